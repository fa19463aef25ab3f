import type { Recipe } from '../../lib/plant';
import { CASE_DEPTH_LIMIT_HV, hrcToHv } from './hardness';
import type { Part } from './partsApi';

export interface ProfilePlot {
  /** Depth axis, mm. */
  xMax: number;
  /** Hardness axis, HV. */
  yMin: number;
  yMax: number;
  /** The measured profile as [depth mm, HV] points (empty: the server sent none). */
  curve: [number, number][];
  /** Surface hardness and case depth as points, when known. */
  surface: [number, number] | null;
  caseDepth: [number, number] | null;
  window: {
    surfaceHv: [number, number];
    caseDepthMm: [number, number];
  } | null;
}

/** The profile points that are numbers, cut a little beyond the shown depth. */
function profilePoints(part: Part, xMax: number): [number, number][] {
  const depths = part.profile_depth_mm;
  const hvs = part.profile_hv;
  if (!depths || !hvs) return [];
  const points: [number, number][] = [];
  depths.forEach((depth, index) => {
    const hv = hvs[index];
    if (hv === undefined || !Number.isFinite(depth) || !Number.isFinite(hv) || depth > xMax) return;
    points.push([depth, hv]);
  });
  return points;
}

/** Axes and shapes of the hardness-versus-depth plot of one part against its recipe's window. */
export function profilePlot(part: Part, recipe: Recipe | undefined): ProfilePlot {
  const window = recipe
    ? {
        surfaceHv: [hrcToHv(recipe.surface_hrc_min), hrcToHv(recipe.surface_hrc_max)] as [number, number],
        caseDepthMm: [recipe.case_depth_min_mm, recipe.case_depth_max_mm] as [number, number],
      }
    : null;
  const xMax = Math.ceil(Math.max(window ? window.caseDepthMm[1] * 1.8 : 0, (part.case_depth_mm ?? 0) * 1.6, 2));
  const curve = profilePoints(part, xMax);
  const surface: [number, number] | null = part.surface_hrc === null ? null : [0, hrcToHv(part.surface_hrc)];
  const caseDepth: [number, number] | null = part.case_depth_mm === null ? null : [part.case_depth_mm, CASE_DEPTH_LIMIT_HV];
  const highest = Math.max(
    window ? window.surfaceHv[1] : 0,
    surface ? surface[1] : 0,
    ...curve.map(([, hv]) => hv),
    CASE_DEPTH_LIMIT_HV,
  );
  const lowest = Math.min(200, ...curve.map(([, hv]) => hv));
  return {
    xMax,
    yMin: Math.floor(lowest / 100) * 100,
    yMax: Math.ceil((highest + 40) / 100) * 100,
    curve,
    surface,
    caseDepth,
    window,
  };
}
