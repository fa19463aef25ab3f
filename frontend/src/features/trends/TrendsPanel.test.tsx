import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLiveStream, signalNames, type SignalCatalogue } from '../../lib/stream';
import { LiveStreamProvider } from '../../lib/stream/react';
import { fakeEventSources } from '../../test/fakeEventSource';
import { FakeResizeObserver } from '../../test/fakeResizeObserver';
import FakeUPlot from '../../test/fakeUPlot';
import { jsonResponse, stubFetch } from '../../test/fetchMock';
import { historyPage, range, RUN_START_ISO, sampleJson, timeOf } from '../../test/liveFixtures';
import { manualFrames } from '../../test/manualFrames';
import { TrendsPanel } from './TrendsPanel';

vi.mock('uplot', () => import('../../test/fakeUPlot'));

/** Two signals: the power chart and the surface temperature chart; the other groups have none. */
const CATALOGUE: SignalCatalogue = [
  { name: 'power_kw', unit: 'kW', description: 'real power' },
  { name: 'surface_temp_c', unit: '°C', description: 'pyrometer' },
];

function pageJson(seqs: number[]) {
  const page = historyPage(seqs);
  return { run_id: 1, start_sim: RUN_START_ISO, columns: { seq: page.seq, ...page.signals } };
}

type Route = (url: string) => Response | undefined;

function renderPanel({ routes = [], streamStatus = 503 }: { routes?: Route[]; streamStatus?: number } = {}) {
  const sources = fakeEventSources();
  const frames = manualFrames();
  const fetchMock = stubFetch((input) => {
    const url = urlOf(input);
    for (const route of routes) {
      const response = route(url);
      if (response) return Promise.resolve(response);
    }
    return Promise.resolve(jsonResponse({ detail: 'Not Found' }, 404));
  });
  const createStream = vi.fn((catalogue: SignalCatalogue) =>
    createLiveStream({
      signals: signalNames(catalogue),
      scheduler: frames.scheduler,
      createEventSource: sources.create,
      probeStatus: () => Promise.resolve(streamStatus),
      statusIntervalMs: 0,
    }),
  );
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <LiveStreamProvider createStream={createStream}>
        <TrendsPanel />
      </LiveStreamProvider>
    </QueryClientProvider>,
  );
  const liveStream = () => {
    const created = createStream.mock.results[0];
    if (created?.type !== 'return') throw new Error('no live stream was created');
    return created.value;
  };
  const inAct = (action: () => void) => {
    act(() => {
      action();
      frames.runFrame();
    });
  };
  return { sources, frames, fetchMock, createStream, inAct, liveStream };
}

const catalogueRoute: Route = (url) => (url === '/api/signals' ? jsonResponse(CATALOGUE) : undefined);

function urlOf(input: RequestInfo | URL): string {
  if (input instanceof Request) return input.url;
  return input instanceof URL ? input.href : input;
}

function telemetryRequests(fetchMock: ReturnType<typeof stubFetch>): URL[] {
  return fetchMock.mock.calls
    .map(([input]) => new URL(urlOf(input), 'http://dashboard'))
    .filter((url) => url.pathname === '/api/telemetry');
}

describe('TrendsPanel', () => {
  beforeEach(() => {
    FakeUPlot.reset();
    FakeResizeObserver.install();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says quietly that live data is not available when the server has no signal catalogue (404)', async () => {
    const { createStream } = renderPanel();

    expect(await screen.findByText('Live data is not available on this server.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(createStream).not.toHaveBeenCalled();
    expect(screen.getByRole('radio', { name: '10 min' })).toBeDisabled();
  });

  it('shows an error when the signal catalogue fails', async () => {
    renderPanel({ routes: [(url) => (url === '/api/signals' ? jsonResponse({ detail: 'boom' }, 500) : undefined)] });

    expect(await screen.findByRole('alert')).toHaveTextContent('Live data failed: boom (HTTP 500)');
  });

  it('recovers on its own once the server can give the catalogue', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let catalogueAvailable = false;
    const { createStream } = renderPanel({
      routes: [
        (url) => {
          if (url !== '/api/signals') return undefined;
          return catalogueAvailable ? jsonResponse(CATALOGUE) : jsonResponse({ detail: 'Database unavailable' }, 503);
        },
      ],
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('Database unavailable (HTTP 503)');

    catalogueAvailable = true;
    await act(async () => {
      await vi.advanceTimersByTimeAsync(5_000);
    });

    expect(await screen.findByText('Waiting for live data…')).toBeInTheDocument();
    expect(createStream).toHaveBeenCalledTimes(1);
  });

  it('waits for live data with the charts in place, then shows the newest sample', async () => {
    const { sources, inAct } = renderPanel({ routes: [catalogueRoute] });

    expect(await screen.findByText('Waiting for live data…')).toBeInTheDocument();
    expect(screen.getAllByTestId('trend-chart').map((chart) => chart.getAttribute('aria-label'))).toEqual([
      'Power & frequency',
      'Surface temperature',
    ]);
    expect(FakeUPlot.instances).toHaveLength(2);

    inAct(() => {
      sources.latest().open();
      sources.latest().emit('hello', { run_id: 1, start_sim: '2026-01-01T00:00:00+00:00', seq: 4 });
      sources.latest().emit('sample', sampleJson(5), '1:5');
    });

    expect(screen.queryByText('Waiting for live data…')).not.toBeInTheDocument();
    expect(screen.getByTestId('trends-latest')).toHaveTextContent('run 1 · sample 5 · HEATING');
    expect(FakeUPlot.instances).toHaveLength(2);
  });

  it('back-fills the window from /api/telemetry once live, and again when the window grows', async () => {
    const { sources, fetchMock, inAct, liveStream } = renderPanel({
      routes: [catalogueRoute, (url) => (url.startsWith('/api/telemetry') ? jsonResponse(pageJson(range(0, 5))) : undefined)],
    });
    await screen.findByText('Waiting for live data…');

    inAct(() => {
      sources.latest().open();
      sources.latest().emit('hello', { run_id: 1, start_sim: '2026-01-01T00:00:00+00:00', seq: 4 });
      sources.latest().emit('sample', sampleJson(5), '1:5');
    });

    await waitFor(() => {
      expect(telemetryRequests(fetchMock)).toHaveLength(1);
    });
    const [first] = telemetryRequests(fetchMock);
    expect(first?.searchParams.get('run_id')).toBe('1');
    // the window (600 s) reaches before the run's seq 0: asked from the start, never a negative seq
    expect(first?.searchParams.get('after_seq')).toBeNull();
    expect(first?.searchParams.get('limit')).toBe('660');
    await waitFor(() => {
      expect(liveStream().store.length).toBe(6);
    });
    inAct(() => undefined); // the next animation frame tells the charts; the 10 min window redraws at its turn
    const [powerChart] = FakeUPlot.instances;
    await waitFor(() => {
      expect(Array.from(powerChart?.data[0] ?? [])).toEqual(range(0, 6).map(timeOf));
    });

    fireEvent.click(screen.getByRole('radio', { name: '1 h' }));

    expect(screen.getByRole('radio', { name: '1 h' })).toHaveAttribute('aria-checked', 'true');
    await waitFor(() => {
      expect(telemetryRequests(fetchMock)).toHaveLength(2);
    });
    expect(telemetryRequests(fetchMock)[1]?.searchParams.get('limit')).toBe('3660');
    expect(FakeUPlot.instances).toHaveLength(2);
  });

  it('says so while the stream reconnects, and back-fills again once it is back', async () => {
    const { sources, fetchMock, inAct } = renderPanel({
      routes: [catalogueRoute, (url) => (url.startsWith('/api/telemetry') ? jsonResponse(pageJson([])) : undefined)],
    });
    await screen.findByText('Waiting for live data…');
    inAct(() => {
      sources.latest().open();
      sources.latest().emit('sample', sampleJson(1), '1:1');
    });
    await waitFor(() => {
      expect(telemetryRequests(fetchMock)).toHaveLength(1);
    });

    inAct(() => {
      sources.latest().drop();
    });
    expect(screen.getByText('Live stream interrupted — reconnecting (attempt 1)…')).toBeInTheDocument();
    expect(screen.getByTestId('trends-status')).toHaveAttribute('data-stream-state', 'reconnecting');

    inAct(() => {
      sources.latest().open();
    });
    expect(screen.queryByText(/reconnecting/)).not.toBeInTheDocument();
    await waitFor(() => {
      expect(telemetryRequests(fetchMock)).toHaveLength(2);
    });
  });

  it('says quietly that live data is not available when the server has no stream (404)', async () => {
    const { sources } = renderPanel({ routes: [catalogueRoute], streamStatus: 404 });
    await screen.findByText('Waiting for live data…');

    act(() => {
      sources.latest().fail();
    });

    expect(await screen.findByText('Live data is not available on this server.')).toBeInTheDocument();
    expect(FakeUPlot.instances.every((chart) => chart.destroy.mock.calls.length === 1)).toBe(true);
  });
});
