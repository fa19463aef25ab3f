import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonResponse, stubFetch } from '../../test/fetchMock';
import { RUN_START_ISO, TEST_SIGNALS } from '../../test/liveFixtures';
import { backfillWindow } from './historyBackfill';

function target(lastSeq: number | undefined) {
  const merged = { status: 'merged' as const, inserted: 0, duplicates: 0, dropped: 0, gaps: [] };
  return { lastSeq, capacity: 7200, signals: TEST_SIGNALS, mergeHistory: vi.fn(() => merged) };
}

function askedAfterSeq(fetchMock: ReturnType<typeof stubFetch>): string | null {
  const [input] = fetchMock.mock.calls[0] ?? [];
  const url = input instanceof Request ? input.url : input instanceof URL ? input.href : (input ?? '');
  return new URL(url, 'http://localhost').searchParams.get('after_seq');
}

describe('history back-fill', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const page = { run_id: 1, start_sim: RUN_START_ISO, columns: { seq: [], power_kw: [], surface_temp_c: [] } };

  it('asks for the samples after the window before the newest one, by seq', async () => {
    const fetchMock = stubFetch(() => Promise.resolve(jsonResponse(page)));
    await backfillWindow(target(5_000), '1', 600);
    expect(askedAfterSeq(fetchMock)).toBe('4400');
  });

  it('never asks for a negative seq: a window reaching before the run starts asks from its start', async () => {
    const fetchMock = stubFetch(() => Promise.resolve(jsonResponse(page)));
    await backfillWindow(target(5), '1', 600);
    expect(askedAfterSeq(fetchMock)).toBeNull();
  });
});
