import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { on, renderPanel } from '../../test/panelHarness';
import { FactoryPanel } from './FactoryPanel';

const SCENARIOS = [
  { name: 'normal_production', description: 'The healthy baseline.', recipes: ['1045-shaft-scan'], faults: [] },
  { name: 'coil_water_loss', description: 'Repeated coil-water flow losses.', recipes: ['1045-shaft-scan'], faults: ['coil_water_flow_loss'] },
];

function job(overrides: Record<string, unknown> = {}) {
  return {
    id: 7,
    status: 'running',
    scenario: 'normal_production',
    seed: 1,
    rows_requested: 50_000,
    rows_written: 0,
    rows_done: 21_000,
    progress: 0.42,
    rows_per_s: 61_744,
    eta_s: 0.47,
    shards: 2,
    run_id: null,
    created_at: '2026-11-25T03:33:01.874106Z',
    started_at: '2026-11-25T03:33:01.880588Z',
    finished_at: null,
    compute_s: null,
    write_s: null,
    error: null,
    ...overrides,
  };
}

describe('FactoryPanel', () => {
  it('shows the progress of the newest job in % with rows, rows/s and ETA', async () => {
    renderPanel(<FactoryPanel />, {
      routes: [
        on('GET', '/api/scenarios', () => SCENARIOS),
        on('GET', '/api/jobs', () => [job()]),
        on('GET', '/api/jobs/7', () => job()),
      ],
    });

    const progress = await screen.findByTestId('job-progress');
    expect(within(progress).getByTestId('job-percent')).toHaveTextContent('42 %');
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '42');
    expect(within(progress).getByTestId('job-rows')).toHaveTextContent('21 000 / 50 000 rows');
    expect(within(progress).getByTestId('job-rate')).toHaveTextContent('61 744 rows/s');
    expect(within(progress).getByTestId('job-eta')).toHaveTextContent('ETA 0.5 s');
  });

  it('moves the bar on the stream’s job messages and shows 100 % and the downloads once the job succeeded', async () => {
    let current = job({ progress: 0.1, rows_done: 5_000 });
    const { stream, connected } = renderPanel(<FactoryPanel />, {
      routes: [
        on('GET', '/api/scenarios', () => SCENARIOS),
        on('GET', '/api/jobs', () => [current]),
        on('GET', '/api/jobs/7', () => current),
      ],
    });
    const progress = await screen.findByTestId('job-progress');
    expect(within(progress).getByTestId('job-percent')).toHaveTextContent('10 %');
    await connected();

    stream([['job', { id: 7, status: 'running', rows_requested: 50_000, rows_written: 32_768, rows_per_s: 46_358, eta_s: 0.37 }]]);
    await waitFor(() => {
      expect(within(progress).getByTestId('job-percent')).toHaveTextContent('65 %');
    });

    current = job({ status: 'succeeded', progress: 1, rows_done: 50_000, rows_written: 50_000, eta_s: 0, run_id: 12 });
    await waitFor(() => {
      expect(within(screen.getByTestId('job-progress')).getByTestId('job-percent')).toHaveTextContent('100 %');
    });
    const links = within(screen.getByTestId('job-progress')).getAllByRole('link');
    expect(links.map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['CSV', '/api/runs/12/export?format=csv'],
      ['Parquet', '/api/runs/12/export?format=parquet'],
      ['Manifest', '/api/runs/12/manifest'],
    ]);
  });

  it('starts a job with the scenario, rows and seed of the form and follows it', async () => {
    let jobs: unknown[] = [];
    const { sent } = renderPanel(<FactoryPanel />, {
      routes: [
        on('GET', '/api/scenarios', () => SCENARIOS),
        on('GET', '/api/jobs', () => jobs),
        on(
          'POST',
          '/api/jobs',
          () => {
            jobs = [job({ id: 9, status: 'queued', progress: 0, rows_done: 0, scenario: 'coil_water_loss' })];
            return jobs[0];
          },
          202,
        ),
        on('GET', '/api/jobs/9', () => job({ id: 9, scenario: 'coil_water_loss', progress: 0.5 })),
      ],
    });
    const form = await screen.findByRole('form', { name: 'Start a generation job' });
    expect(screen.getByText('No job yet.')).toBeInTheDocument();

    fireEvent.change(within(form).getByLabelText('Scenario'), { target: { value: 'coil_water_loss' } });
    fireEvent.change(within(form).getByLabelText('Rows'), { target: { value: '2000' } });
    fireEvent.change(within(form).getByLabelText('Seed'), { target: { value: '42' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Start job' }));

    const progress = await screen.findByTestId('job-progress');
    expect(progress).toHaveAttribute('data-job-id', '9');
    expect(sent('POST', '/api/jobs').map((request) => request.body)).toEqual([
      { scenario: 'coil_water_loss', rows: 2000, seed: 42 },
    ]);
  });

  it('shows the reason of a refused job (422)', async () => {
    renderPanel(<FactoryPanel />, {
      routes: [
        on('GET', '/api/scenarios', () => SCENARIOS),
        on('GET', '/api/jobs', () => []),
        on('POST', '/api/jobs', () => ({ detail: 'rows: at most 10,000,000 rows per job' }), 422),
      ],
    });
    const form = await screen.findByRole('form', { name: 'Start a generation job' });
    fireEvent.change(within(form).getByLabelText('Rows'), { target: { value: '20000000' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Start job' }));

    expect(await within(form).findByRole('alert')).toHaveTextContent('Job refused: rows: at most 10,000,000 rows per job');
  });
});
