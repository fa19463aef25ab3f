import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NO_LIVE_MACHINE_TEXT } from '../lib/ui';
import { FakeResizeObserver } from '../test/fakeResizeObserver';
import { jobViewJson } from '../test/liveFixtures';
import { NO_LIVE_DETAIL, on, renderPanel } from '../test/panelHarness';
import { DashboardLayout } from './DashboardLayout';

vi.mock('uplot', () => import('../test/fakeUPlot'));

const SCENARIO = { name: 'normal_production', description: 'The healthy baseline.', recipes: ['1045-shaft-scan'], faults: [] };
const FAULT_TYPE = {
  id: 'coil_water_flow_loss',
  name: 'Coil water flow loss',
  subsystem: 'coil water',
  description: 'flow drops',
  signature: 'flow ↓',
  outcome: 'alarm 101',
  sensor_only: false,
  alarm: 101,
};
/** The endpoints of the live machine, which a server started with `SIM_LIVE=false` answers with 404. */
const LIVE_MACHINE_PATHS = ['/api/machine', '/api/alarms', '/api/faults'];
const LIVE_PANELS = ['panel-trends', 'panel-machine', 'panel-alarms', 'panel-faults', 'panel-parts'];

function renderWithoutLiveMachine() {
  let jobs: Record<string, unknown>[] = [];
  return renderPanel(<DashboardLayout />, {
    routes: [
      ...LIVE_MACHINE_PATHS.map((path) => on('GET', path, () => ({ detail: NO_LIVE_DETAIL }), 404)),
      on('GET', '/api/recipes', () => []),
      on('GET', '/api/faults/catalog', () => [FAULT_TYPE]),
      on('GET', '/api/scenarios', () => [SCENARIO]),
      on('GET', '/api/jobs', () => jobs),
      on('GET', '/api/jobs/7', () => jobs[0]),
      on(
        'POST',
        '/api/jobs',
        () => {
          jobs = [jobViewJson({ status: 'queued', rows_done: 0, progress: 0, rows_per_s: 0, eta_s: null })];
          return jobs[0];
        },
        202,
      ),
    ],
  });
}

describe('DashboardLayout on a server without a live machine (SIM_LIVE=false)', () => {
  beforeEach(() => {
    vi.stubGlobal('ResizeObserver', FakeResizeObserver);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('shows one calm message in every live panel, no error, and asks each live endpoint once', async () => {
    const { stream, connected, sent } = renderWithoutLiveMachine();
    await connected();
    stream([['hello', { run_id: null, seq: -1 }]]);

    for (const panel of LIVE_PANELS) {
      await waitFor(() => {
        expect(screen.getByTestId(panel)).toHaveTextContent(NO_LIVE_MACHINE_TEXT);
      });
    }
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Start' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Inject' })).not.toBeInTheDocument();
    expect(screen.getByTestId('panel-trends')).toHaveAttribute('data-live-machine', 'false');

    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const path of LIVE_MACHINE_PATHS) expect(sent('GET', path).length).toBeLessThanOrEqual(1);
    expect(sent('GET', '/api/telemetry')).toHaveLength(0);
  });

  it('keeps the data factory usable: a job starts and its progress follows the stream to succeeded', async () => {
    const { stream, connected, sent } = renderWithoutLiveMachine();
    await connected();
    stream([['hello', { run_id: null, seq: -1 }]]);
    const factory = screen.getByTestId('panel-factory');
    const start = await within(factory).findByRole('button', { name: 'Start job' });

    fireEvent.click(start);
    await waitFor(() => {
      expect(sent('POST', '/api/jobs')).toHaveLength(1);
    });
    stream([['job', jobViewJson({ rows_done: 25_000, progress: 0.5, eta_s: 0.4 })]]);
    await waitFor(() => {
      expect(within(factory).getByTestId('job-percent')).toHaveTextContent('50 %');
    });
    stream([
      ['job', jobViewJson({ status: 'succeeded', progress: 1, rows_done: 50_000, rows_written: 50_000, eta_s: 0, run_id: 12 })],
    ]);

    await waitFor(() => {
      expect(within(factory).getByTestId('job-progress')).toHaveAttribute('data-status', 'succeeded');
    });
    expect(within(within(factory).getByTestId('job-progress')).getByRole('link', { name: 'Manifest' })).toHaveAttribute('href', '/api/runs/12/manifest');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
