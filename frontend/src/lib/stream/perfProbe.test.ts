import { describe, expect, it, vi } from 'vitest';
import { MAX_PENDING_MEASURES, perfRequested, performanceProbe, PERF_MEASURES } from './perfProbe';

describe('perf probe', () => {
  it('is on only with ?perf=1', () => {
    expect(perfRequested('?perf=1')).toBe(true);
    expect(perfRequested('?perf=0')).toBe(false);
    expect(perfRequested('')).toBe(false);
  });

  it('measures from the given start, and never keeps more than a bounded number of entries unread', () => {
    let clock = 10;
    const timeline = { now: vi.fn(() => clock), measure: vi.fn(), clearMeasures: vi.fn() };
    const probe = performanceProbe(timeline);

    clock = 12.5;
    probe.measure(PERF_MEASURES.append, 10);
    expect(timeline.measure).toHaveBeenCalledWith('stream:append', { start: 10, end: 12.5 });

    for (let index = 1; index < MAX_PENDING_MEASURES; index += 1) probe.measure(PERF_MEASURES.notify, 0);
    expect(timeline.clearMeasures).not.toHaveBeenCalled();
    probe.measure(PERF_MEASURES.notify, 0);
    expect(timeline.clearMeasures.mock.calls.map(([name]) => name as string).sort()).toEqual([
      'stream:append',
      'stream:merge',
      'stream:notify',
    ]);
  });
});
