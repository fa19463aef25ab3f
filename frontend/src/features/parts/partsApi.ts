/**
 * Parts of a run (`GET /api/runs/{run_id}/parts?after_part_id=&limit=`, ascending part id, paged by
 * `next_after_part_id`). Field names as the API sends them; `profile_depth_mm` / `profile_hv` are
 * read when the server includes them.
 */
import { expectOneOf, expectRecord, expectString, getJson, type ApiSchema } from '../../lib/api';
import { queryOptions } from '@tanstack/react-query';
import {
  expectArray,
  expectBoolean,
  expectNumber,
  expectNumberOrNull,
  expectStringList,
  optionalNumberList,
} from '../../lib/decode';

/**
 * `PartView`: `surface_hrc` null when the part was never heated, `case_depth_mm` the effective case
 * depth (SAE J423, 50 HRC; `case_depth_iso_mm` the ISO 18203 one), `energy_coil_kj` the energy delivered to the coil (the recipe's energy
 * window applies to it), `energy_part_kj` the energy the part absorbed. Those are true values and
 * `verdict` judges them; QA's readings (`surface_hrc_measured` where `hardness_inspected`,
 * `case_depth_measured_mm` where `case_depth_inspected`) are what `plant_verdict` judges.
 */
export type Part = ApiSchema<'PartView'>;

export type PartsPage = ApiSchema<'PartsPage'>;

function decodePart(raw: unknown): Part {
  const record = expectRecord(raw);
  return {
    part_id: expectNumber(record, 'part_id'),
    recipe_name: expectString(record, 'recipe_name'),
    steel_grade: expectString(record, 'steel_grade'),
    started_sim: expectString(record, 'started_sim'),
    finished_sim: expectString(record, 'finished_sim'),
    surface_hrc: expectNumberOrNull(record, 'surface_hrc'),
    surface_hrc_measured: expectNumberOrNull(record, 'surface_hrc_measured'),
    hardness_inspected: expectBoolean(record, 'hardness_inspected'),
    case_depth_mm: expectNumberOrNull(record, 'case_depth_mm'),
    case_depth_measured_mm: expectNumberOrNull(record, 'case_depth_measured_mm'),
    case_depth_inspected: expectBoolean(record, 'case_depth_inspected'),
    case_depth_iso_mm: expectNumberOrNull(record, 'case_depth_iso_mm'),
    peak_surface_temp_c: expectNumberOrNull(record, 'peak_surface_temp_c'),
    energy_coil_kj: expectNumberOrNull(record, 'energy_coil_kj'),
    energy_part_kj: expectNumberOrNull(record, 'energy_part_kj'),
    verdict: expectOneOf(record, 'verdict', ['OK', 'NOK'] as const),
    reasons: expectStringList(record, 'reasons'),
    plant_verdict: expectOneOf(record, 'plant_verdict', ['OK', 'NOK'] as const),
    plant_reasons: expectStringList(record, 'plant_reasons'),
    interrupted: expectBoolean(record, 'interrupted'),
    profile_depth_mm: optionalNumberList(record, 'profile_depth_mm'),
    profile_hv: optionalNumberList(record, 'profile_hv'),
  };
}

export function decodePartsPage(raw: unknown): PartsPage {
  const record = expectRecord(raw);
  return {
    run_id: expectNumber(record, 'run_id'),
    parts: expectArray(record, 'parts').map(decodePart),
    next_after_part_id: expectNumberOrNull(record, 'next_after_part_id'),
  };
}

export function partsPath(runId: string, afterPartId: number, limit: number): string {
  const params = new URLSearchParams({ after_part_id: String(afterPartId), limit: String(limit) });
  return `/api/runs/${encodeURIComponent(runId)}/parts?${params.toString()}`;
}

/** How many of the newest parts the panel lists. */
export const RECENT_PARTS = 20;
const PAGE_LIMIT = 100;
const MAX_PAGES = 5;

/**
 * The newest finished parts of a run, newest first. Part ids count up from 1, so with the id of the
 * part in the machine (`currentPartId`) one page from just before the newest ones is enough; without
 * it (between parts) up to a few pages from the start are read.
 */
export async function fetchRecentParts(
  runId: string,
  currentPartId: number | null,
  signal?: AbortSignal,
): Promise<Part[]> {
  let after = currentPartId === null ? 0 : Math.max(0, currentPartId - RECENT_PARTS - 1);
  let collected: Part[] = [];
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await getJson(partsPath(runId, after, PAGE_LIMIT), decodePartsPage, signal ? { signal } : {});
    collected = [...collected, ...result.parts].slice(-RECENT_PARTS);
    if (result.next_after_part_id === null) break;
    after = result.next_after_part_id;
  }
  return collected.reverse();
}

/** Poll while parts are made: a finished part's row lands in the database shortly after it leaves. */
export const PARTS_POLL_MS = 3_000;

/** The parts a panel shows and the run they belong to. */
export interface RunParts {
  runId: string;
  parts: Part[];
  /** They are of an earlier live run (the server restarted and this run has finished none yet). */
  earlier: boolean;
}

/**
 * The newest parts of the live run; while it has finished none (right after a server restart),
 * those of `previousRun`, the newest earlier live run that finished parts (`GET /api/machine`).
 */
export async function fetchLiveParts(
  runId: string,
  currentPartId: number | null,
  previousRun: number | null,
  signal?: AbortSignal,
): Promise<RunParts> {
  const parts = await fetchRecentParts(runId, currentPartId, signal);
  if (parts.length > 0 || previousRun === null) return { runId, parts, earlier: false };
  const earlier = String(previousRun);
  return { runId: earlier, parts: await fetchRecentParts(earlier, null, signal), earlier: true };
}

/**
 * `previous_parts_run` of `GET /api/machine`: fixed for the life of a live run, so asked once per run
 * (the key names the run).
 */
export function previousPartsRunQueryOptions(runId: string | null) {
  return queryOptions({
    queryKey: ['parts', 'previous-run', runId],
    queryFn: ({ signal }) =>
      getJson('/api/machine', (raw) => expectNumberOrNull(expectRecord(raw), 'previous_parts_run'), { signal }),
    enabled: runId !== null,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}
