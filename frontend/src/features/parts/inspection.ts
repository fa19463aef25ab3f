import type { Part } from './partsApi';

/** What QA did to a part: sectioned (case depth and surface hardness), hardness-tested, or nothing. */
export type InspectionKind = 'section' | 'hardness' | 'none';

export function inspectionOf(part: Pick<Part, 'hardness_inspected' | 'case_depth_inspected'>): InspectionKind {
  if (part.case_depth_inspected) return 'section';
  return part.hardness_inspected ? 'hardness' : 'none';
}

export const INSPECTION_TEXT: Record<InspectionKind, string> = {
  section: 'sectioned: surface hardness and case depth measured',
  hardness: 'surface hardness tested',
  none: 'not inspected: passed on the process monitors alone',
};

/** The plant's verdict and the true one disagree (measurement scatter near a limit, or a bad part never inspected). */
export function verdictsDisagree(part: Pick<Part, 'verdict' | 'plant_verdict'>): boolean {
  return part.verdict !== part.plant_verdict;
}
