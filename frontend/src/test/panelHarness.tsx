import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { vi } from 'vitest';
import { createLiveStream, signalNames, type SignalCatalogue } from '../lib/stream';
import { LiveStreamProvider } from '../lib/stream/react';
import { fakeEventSources } from './fakeEventSource';
import { jsonResponse } from './fetchMock';
import { manualFrames } from './manualFrames';

/** One request as a route sees it. */
export interface RouteRequest {
  method: string;
  /** Path and query, as the app asked for it ("/api/jobs/7"). */
  url: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

/** Answers a request (a Response, or a JSON body with status), or `undefined` to pass it on. */
export type Route = (request: RouteRequest) => Response | { status?: number; json: unknown } | undefined;

/** A route for one method and path: `on('GET', '/api/machine', () => snapshot)`. */
export function on(
  method: string,
  path: string,
  answer: (request: RouteRequest) => unknown,
  status = 200,
): Route {
  return (request) =>
    request.method === method && request.path === path ? { status, json: answer(request) } : undefined;
}

/** The server's `detail` of a live machine's endpoint on a server started with `SIM_LIVE=false` (a 404). */
export const NO_LIVE_DETAIL = 'no live machine on this server (SIM_LIVE=false)';

/** Signals the panel tests use (each sample must carry all of them). */
export const PANEL_CATALOGUE: SignalCatalogue = [
  'power_kw',
  'frequency_hz',
  'coil_current_a',
  'energy_coil_kj',
  'surface_temp_c',
  'scan_position_mm',
  'spindle_rpm',
  'coil_water_flow_lpm',
  'coil_water_in_c',
  'coil_water_out_c',
  'quench_flow_lpm',
  'quench_pressure_bar',
  'quench_temp_c',
  'quench_concentration_pct',
].map((name) => ({ name, unit: '1', description: name }));

function urlOf(input: RequestInfo | URL): string {
  if (input instanceof Request) return input.url;
  return input instanceof URL ? input.href : input;
}

function parseBody(init: RequestInit | undefined): unknown {
  if (typeof init?.body !== 'string') return undefined;
  return JSON.parse(init.body) as unknown;
}

/**
 * Renders a panel as the dashboard does (TanStack Query, the live stream provider) against routes
 * for `fetch` and a fake `EventSource`; unknown requests answer 404 `{"detail": "Not Found"}`.
 * `/api/signals` answers `catalogue` unless a route says otherwise.
 */
export function renderPanel(
  ui: ReactNode,
  { routes = [], catalogue = PANEL_CATALOGUE }: { routes?: Route[]; catalogue?: SignalCatalogue } = {},
) {
  const sources = fakeEventSources();
  const frames = manualFrames();
  const requests: RouteRequest[] = [];
  const allRoutes = [...routes, on('GET', '/api/signals', () => catalogue)];
  const fetchMock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
    const url = urlOf(input);
    const parsed = new URL(url, 'http://dashboard');
    const request: RouteRequest = {
      method: init?.method ?? 'GET',
      url,
      path: parsed.pathname,
      search: parsed.searchParams,
      body: parseBody(init),
    };
    requests.push(request);
    for (const route of allRoutes) {
      const answer = route(request);
      if (answer instanceof Response) return Promise.resolve(answer);
      if (answer) return Promise.resolve(jsonResponse(answer.json, answer.status ?? 200));
    }
    return Promise.resolve(jsonResponse({ detail: 'Not Found' }, 404));
  });
  vi.stubGlobal('fetch', fetchMock);
  const createStream = (served: SignalCatalogue) =>
    createLiveStream({
      signals: signalNames(served),
      scheduler: frames.scheduler,
      createEventSource: sources.create,
      probeStatus: () => Promise.resolve(200),
      statusIntervalMs: 0,
    });
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <QueryClientProvider client={queryClient}>
      <LiveStreamProvider createStream={createStream}>{ui}</LiveStreamProvider>
    </QueryClientProvider>,
  );
  /** Plays stream messages (the source is opened first), then one animation frame. */
  const stream = (messages: readonly [type: string, data: unknown, id?: string][]) => {
    act(() => {
      const source = sources.latest();
      if (source.readyState !== 1) source.open();
      for (const [type, data, id] of messages) source.emit(type, data, id);
      frames.runFrame();
    });
  };
  /** Resolves once the provider has loaded the catalogue and opened the stream. */
  const connected = () =>
    waitFor(() => {
      if (sources.created.length === 0) throw new Error('no stream yet');
    });
  /** The requests made so far that match `method` and `path`. */
  const sent = (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path);
  return { view, sources, frames, fetchMock, queryClient, requests, stream, sent, connected };
}

/** A sample as the server sends it, with every panel signal (0 unless given). */
export function panelSample(
  seq: number,
  fields: { run_id?: number; machine_state?: string; part_id?: number | null; alarm_code?: number | null } = {},
  values: Partial<Record<string, number | null>> = {},
): Record<string, unknown> {
  const signals = Object.fromEntries(PANEL_CATALOGUE.map((signal) => [signal.name, values[signal.name] ?? 0]));
  return {
    run_id: fields.run_id ?? 1,
    seq,
    timestamp_sim: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    machine_state: fields.machine_state ?? 'HEATING',
    part_id: fields.part_id === undefined ? 7 : fields.part_id,
    alarm_code: fields.alarm_code ?? null,
    fault_labels: [],
    ...signals,
  };
}
