import { describe, expect, it } from 'vitest';
import { jsonResponse, stubFetch } from '../../test/fetchMock';
import { hrcToHv, hvToHrc } from './hardness';
import { inspectionOf, verdictsDisagree } from './inspection';
import { fetchRecentParts, RECENT_PARTS } from './partsApi';

describe('hardness conversion (ASTM E140 points)', () => {
  it('matches the table and inverts', () => {
    expect(hrcToHv(50)).toBe(513);
    expect(hrcToHv(60)).toBe(697);
    expect(hvToHrc(446)).toBe(45);
    expect(hvToHrc(hrcToHv(56.5))).toBeCloseTo(56.5, 9);
  });

  it('extrapolates linearly beyond the ends', () => {
    expect(hvToHrc(174)).toBeCloseTo(10, 9);
    expect(hrcToHv(70)).toBeCloseTo(1010, 9);
  });
});

function page(ids: number[], next: number | null) {
  return {
    run_id: 5,
    parts: ids.map((id) => ({
      part_id: id,
      recipe_name: 'r',
      steel_grade: '1045',
      started_sim: '2026-11-25T03:40:47Z',
      finished_sim: '2026-11-25T03:41:23Z',
      surface_hrc: null,
      case_depth_mm: null,
      peak_surface_temp_c: null,
      energy_coil_kj: 0,
      energy_part_kj: 0,
      verdict: 'NOK',
      reasons: ['INTERRUPTED'],
      plant_verdict: 'NOK',
      plant_reasons: ['INTERRUPTED'],
      interrupted: true,
      surface_hrc_measured: null,
      hardness_inspected: false,
      case_depth_measured_mm: null,
      case_depth_inspected: false,
    })),
    next_after_part_id: next,
  };
}

describe('recent parts', () => {
  it('asks from just before the newest parts and lists them newest first', async () => {
    const fetchMock = stubFetch(() => Promise.resolve(jsonResponse(page([77, 78, 79], null))));

    const parts = await fetchRecentParts('5', 80);

    expect(parts.map((part) => part.part_id)).toEqual([79, 78, 77]);
    expect(fetchMock.mock.calls[0]?.[0]).toBe(`/api/runs/5/parts?after_part_id=${String(80 - RECENT_PARTS - 1)}&limit=100`);
  });

  it('follows the pages and keeps the newest', async () => {
    const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
    let call = 0;
    stubFetch(() => {
      call += 1;
      return Promise.resolve(jsonResponse(call === 1 ? page(ids(1, 100), 100) : page(ids(101, 130), null)));
    });

    const parts = await fetchRecentParts('5', null);

    expect(parts).toHaveLength(RECENT_PARTS);
    expect(parts[0]?.part_id).toBe(130);
    expect(parts.at(-1)?.part_id).toBe(111);
  });
});

describe('inspection', () => {
  it('names what QA did to a part and flags verdicts that disagree', () => {
    expect(inspectionOf({ hardness_inspected: true, case_depth_inspected: true })).toBe('section');
    expect(inspectionOf({ hardness_inspected: true, case_depth_inspected: false })).toBe('hardness');
    expect(inspectionOf({ hardness_inspected: false, case_depth_inspected: false })).toBe('none');
    expect(verdictsDisagree({ verdict: 'NOK', plant_verdict: 'OK' })).toBe(true);
    expect(verdictsDisagree({ verdict: 'OK', plant_verdict: 'OK' })).toBe(false);
  });
});
