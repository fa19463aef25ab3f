/**
 * Recipes (`GET /api/recipes`): shared by the panels that compare the machine with its recipe (the
 * machine panel's header, the parts panel's hardness window). Field names as the API sends them;
 * only the fields the dashboard reads are decoded.
 */
import { queryOptions } from '@tanstack/react-query';
import { expectString, getJson } from '../api';
import { decodeList, expectNumber, expectNumberOrNull } from '../decode';

export const RECIPES_PATH = '/api/recipes';

export interface Recipe {
  name: string;
  description: string;
  steel_grade: string;
  process: string;
  hardened_length_mm: number;
  frequency_hz: number;
  power_kw: number;
  surface_hrc_min: number;
  surface_hrc_max: number;
  case_depth_min_mm: number;
  case_depth_max_mm: number;
  energy_tolerance_pct: number;
  nominal_energy_kj: number | null;
}

export function decodeRecipes(raw: unknown): Recipe[] {
  return decodeList(raw, (record) => ({
    name: expectString(record, 'name'),
    description: expectString(record, 'description'),
    steel_grade: expectString(record, 'steel_grade'),
    process: expectString(record, 'process'),
    hardened_length_mm: expectNumber(record, 'hardened_length_mm'),
    frequency_hz: expectNumber(record, 'frequency_hz'),
    power_kw: expectNumber(record, 'power_kw'),
    surface_hrc_min: expectNumber(record, 'surface_hrc_min'),
    surface_hrc_max: expectNumber(record, 'surface_hrc_max'),
    case_depth_min_mm: expectNumber(record, 'case_depth_min_mm'),
    case_depth_max_mm: expectNumber(record, 'case_depth_max_mm'),
    energy_tolerance_pct: expectNumber(record, 'energy_tolerance_pct'),
    nominal_energy_kj: expectNumberOrNull(record, 'nominal_energy_kj'),
  }));
}

/** Recipes change only when someone adds one: fetched once, kept a minute. */
export function recipesQueryOptions() {
  return queryOptions({
    queryKey: ['recipes'],
    queryFn: ({ signal }) => getJson(RECIPES_PATH, decodeRecipes, { signal }),
    staleTime: 60_000,
  });
}
