/**
 * Recipes (`GET /api/recipes`): shared by the panels that compare the machine with its recipe (the
 * machine panel's header, the parts panel's hardness window). Field names as the API sends them;
 * only the fields the dashboard reads are decoded.
 */
import { queryOptions } from '@tanstack/react-query';
import { expectOneOf, expectString, getJson, type ApiSchema } from '../api';
import { decodeList, expectNumber, expectNumberOrNull } from '../decode';

export const RECIPES_PATH = '/api/recipes';

/** The fields of a `Recipe` the dashboard reads. */
export type Recipe = Required<
  Pick<
    ApiSchema<'Recipe'>,
    | 'name'
    | 'description'
    | 'steel_grade'
    | 'process'
    | 'hardened_length_mm'
    | 'frequency_hz'
    | 'power_kw'
    | 'surface_hrc_min'
    | 'surface_hrc_max'
    | 'case_depth_min_mm'
    | 'case_depth_max_mm'
    | 'energy_tolerance_pct'
    | 'nominal_energy_kj'
  >
>;

export const RECIPE_PROCESSES = ['scan', 'single_shot'] as const satisfies readonly Recipe['process'][];

export function decodeRecipes(raw: unknown): Recipe[] {
  return decodeList(raw, (record) => ({
    name: expectString(record, 'name'),
    description: expectString(record, 'description'),
    steel_grade: expectString(record, 'steel_grade'),
    process: expectOneOf(record, 'process', RECIPE_PROCESSES),
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
