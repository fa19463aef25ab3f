import type { Recipe } from '../../lib/plant';
import { formatFixed } from '../../lib/format';
import { CASE_DEPTH_LIMIT_HV, hrcToHv } from './hardness';
import { INSPECTION_TEXT, inspectionOf } from './inspection';
import type { Part } from './partsApi';
import { profilePlot } from './profileGeometry';

const WIDTH = 340;
const HEIGHT = 170;
const LEFT = 38;
const RIGHT = 8;
const TOP = 8;
const BOTTOM = 24;

function ticks(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max + 1e-9; value += step) out.push(value);
  return out;
}

/**
 * Hardness (HV) versus depth (mm) of one part: the recipe's surface-hardness window (band at the
 * surface), its case-depth window (band across) and the 50 HRC line of the effective case depth.
 * The true profile is drawn when the server sends it; otherwise the two true points (surface
 * hardness, effective case depth) are. Hollow rings: what QA measured, where it inspected.
 */
/** What QA measured on the part, in words. */
function qaText(part: Part): string {
  const kind = inspectionOf(part);
  if (kind === 'none') return 'QA: not inspected';
  const hardness = `QA: ${formatFixed(part.surface_hrc_measured, 1)} HRC`;
  return kind === 'section' ? `${hardness} · case ${formatFixed(part.case_depth_measured_mm, 2)} mm` : `${hardness} (not sectioned)`;
}

export function HardnessProfile({ part, recipe }: { part: Part; recipe: Recipe | undefined }) {
  const plot = profilePlot(part, recipe);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const x = (depth: number) => LEFT + (depth / plot.xMax) * plotWidth;
  const y = (hv: number) => TOP + (1 - (hv - plot.yMin) / (plot.yMax - plot.yMin)) * plotHeight;
  const depthStep = plot.xMax > 6 ? 2 : plot.xMax > 3 ? 1 : 0.5;
  const hvStep = plot.yMax - plot.yMin > 600 ? 200 : 100;
  const hasCurve = plot.curve.length > 1;

  return (
    <figure className="profile" data-testid="hardness-profile" data-curve={hasCurve}>
      <figcaption className="profile__caption">
        Part #{part.part_id} · {formatFixed(part.surface_hrc, 1)} HRC · case {formatFixed(part.case_depth_mm, 2)} mm ·{' '}
        <span data-testid="profile-energy" title="Energy delivered to the coil · energy absorbed by the part">
          {formatFixed(part.energy_coil_kj, 0)} kJ coil · {formatFixed(part.energy_part_kj, 0)} kJ in the part
        </span>
        {!hasCurve && <span className="profile__note"> · profile not sent by the server: measured points only</span>}
        <br />
        <span data-testid="profile-qa" title={INSPECTION_TEXT[inspectionOf(part)]}>
          {qaText(part)} · plant {part.plant_verdict}
          {part.plant_reasons.length > 0 && ` ${part.plant_reasons.join(', ')}`}
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${String(WIDTH)} ${String(HEIGHT)}`} role="img" aria-label={`Hardness versus depth of part ${String(part.part_id)}`}>
        <rect className="profile__frame" x={LEFT} y={TOP} width={plotWidth} height={plotHeight} />
        {plot.window && (
          <g className="profile__window">
            <rect
              className="profile__band profile__band--depth"
              x={x(plot.window.caseDepthMm[0])}
              y={TOP}
              width={x(plot.window.caseDepthMm[1]) - x(plot.window.caseDepthMm[0])}
              height={plotHeight}
            />
            <rect
              className="profile__band profile__band--surface"
              x={x(0)}
              y={y(plot.window.surfaceHv[1])}
              width={x(plot.window.caseDepthMm[0]) - x(0)}
              height={y(plot.window.surfaceHv[0]) - y(plot.window.surfaceHv[1])}
            />
          </g>
        )}
        {ticks(plot.yMin, plot.yMax, hvStep).map((hv) => (
          <g key={`hv${String(hv)}`} className="profile__tick">
            <line x1={LEFT - 3} x2={LEFT} y1={y(hv)} y2={y(hv)} />
            <text x={LEFT - 5} y={y(hv) + 3} textAnchor="end">
              {hv}
            </text>
          </g>
        ))}
        {ticks(0, plot.xMax, depthStep).map((depth) => (
          <g key={`mm${String(depth)}`} className="profile__tick">
            <line x1={x(depth)} x2={x(depth)} y1={TOP + plotHeight} y2={TOP + plotHeight + 3} />
            <text x={x(depth)} y={TOP + plotHeight + 13} textAnchor="middle">
              {depth}
            </text>
          </g>
        ))}
        <text className="profile__axis" x={LEFT + plotWidth} y={HEIGHT - 1} textAnchor="end">
          depth, mm
        </text>
        <text className="profile__axis" x={2} y={TOP + 6}>
          HV
        </text>
        <line
          className="profile__limit"
          x1={LEFT}
          x2={LEFT + plotWidth}
          y1={y(CASE_DEPTH_LIMIT_HV)}
          y2={y(CASE_DEPTH_LIMIT_HV)}
        />
        <text className="profile__limit-label" x={LEFT + plotWidth - 2} y={y(CASE_DEPTH_LIMIT_HV) - 3} textAnchor="end">
          50 HRC
        </text>
        {hasCurve && (
          <polyline
            className="profile__curve"
            data-verdict={part.verdict}
            points={plot.curve.map(([depth, hv]) => `${x(depth).toFixed(1)},${y(hv).toFixed(1)}`).join(' ')}
          />
        )}
        {plot.surface && (
          <circle className="profile__point" data-verdict={part.verdict} cx={x(plot.surface[0])} cy={y(plot.surface[1])} r={3.5}>
            <title>surface {formatFixed(part.surface_hrc, 1)} HRC</title>
          </circle>
        )}
        {plot.caseDepth && (
          <circle className="profile__point" data-verdict={part.verdict} cx={x(plot.caseDepth[0])} cy={y(plot.caseDepth[1])} r={3.5}>
            <title>effective case depth {formatFixed(part.case_depth_mm, 2)} mm</title>
          </circle>
        )}
        {part.surface_hrc_measured !== null && (
          <circle
            className="profile__point profile__point--measured"
            data-testid="profile-measured-surface"
            cx={x(0)}
            cy={y(hrcToHv(part.surface_hrc_measured))}
            r={4.5}
          >
            <title>QA: surface {formatFixed(part.surface_hrc_measured, 1)} HRC</title>
          </circle>
        )}
        {part.case_depth_measured_mm !== null && (
          <circle
            className="profile__point profile__point--measured"
            data-testid="profile-measured-depth"
            cx={x(part.case_depth_measured_mm)}
            cy={y(CASE_DEPTH_LIMIT_HV)}
            r={4.5}
          >
            <title>QA: effective case depth {formatFixed(part.case_depth_measured_mm, 2)} mm</title>
          </circle>
        )}
      </svg>
      {!recipe && <p className="profile__note">Recipe “{part.recipe_name}” unknown: no window drawn.</p>}
    </figure>
  );
}
