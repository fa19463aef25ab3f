import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jobViewJson } from '../../test/liveFixtures';
import { on, renderPanel } from '../../test/panelHarness';
import { FactoryPanel } from './FactoryPanel';

const SCENARIOS = [
  { name: 'normal_production', description: 'The healthy baseline.', recipes: ['1045-shaft-scan'], faults: [] },
  { name: 'coil_water_loss', description: 'Repeated coil-water flow losses.', recipes: ['1045-shaft-scan'], faults: ['coil_water_flow_loss'] },
];

const job = jobViewJson;

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

  it('cancels the running job with POST /api/jobs/{id}/cancel (an action: the job stays listed)', async () => {
    const { sent } = renderPanel(<FactoryPanel />, {
      routes: [
        on('GET', '/api/scenarios', () => SCENARIOS),
        on('GET', '/api/jobs', () => [job()]),
        on('GET', '/api/jobs/7', () => job()),
        on('POST', '/api/jobs/7/cancel', () => job({ status: 'cancelling' })),
      ],
    });
    const progress = await screen.findByTestId('job-progress');
    fireEvent.click(within(progress).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => {
      expect(sent('POST', '/api/jobs/7/cancel')).toHaveLength(1);
    });
    expect(sent('DELETE', '/api/jobs/7')).toHaveLength(0);
  });

  it('moves the bar and the status with the stream’s job messages, shows the final status at once and refreshes the history', async () => {
    const polled = job({ progress: 0.1, rows_done: 5_000 });
    const { stream, connected, sent } = renderPanel(<FactoryPanel />, {
      routes: [
        on('GET', '/api/scenarios', () => SCENARIOS),
        on('GET', '/api/jobs', () => [polled]),
        on('GET', '/api/jobs/7', () => polled),
      ],
    });
    const progress = await screen.findByTestId('job-progress');
    expect(within(progress).getByTestId('job-percent')).toHaveTextContent('10 %');
    await connected();

    stream([['job', job({ rows_done: 32_768, progress: 0.65536, rows_per_s: 46_358, eta_s: 0.37 })]]);
    await waitFor(() => {
      expect(within(progress).getByTestId('job-percent')).toHaveTextContent('65 %');
    });
    expect(within(progress).getByTestId('job-rows')).toHaveTextContent('32 768 / 50 000 rows');
    expect(within(progress).getByTestId('job-rate')).toHaveTextContent('46 358 rows/s');
    // The history row moves too, from the same message.
    expect(within(screen.getByTestId('job-history')).getByText('65 %', { exact: false })).toBeInTheDocument();
    const historyRequests = sent('GET', '/api/jobs').length;

    // The final message: succeeded at once, while the server still answers polls with "running".
    stream([
      [
        'job',
        job({ status: 'succeeded', progress: 1, rows_done: 50_000, rows_written: 50_000, eta_s: 0, run_id: 12, finished_at: '2026-11-25T03:33:02.2Z' }),
      ],
    ]);
    // At once: the next tick of TanStack Query's notifications, no request in between.
    const requestsBefore = sent('GET', '/api/jobs/7').length;
    await waitFor(() => {
      expect(screen.getByTestId('job-progress')).toHaveAttribute('data-status', 'succeeded');
    });
    expect(sent('GET', '/api/jobs/7').length).toBe(requestsBefore);
    const done = screen.getByTestId('job-progress');
    expect(within(done).getByTestId('job-percent')).toHaveTextContent('100 %');
    expect(within(done).getByTestId('job-status')).toHaveTextContent('succeeded');
    const links = within(done).getAllByRole('link');
    expect(links.map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['CSV', '/api/runs/12/export?format=csv'],
      ['Parquet', '/api/runs/12/export?format=parquet'],
      ['Manifest', '/api/runs/12/manifest'],
    ]);
    // The history is asked again on a final message; its older answer does not reopen the job.
    await waitFor(() => {
      expect(sent('GET', '/api/jobs').length).toBeGreaterThan(historyRequests);
    });
    await waitFor(() => {
      expect(within(screen.getByTestId('job-history')).getByTestId('job-status')).toHaveTextContent('succeeded');
    });
    expect(screen.getByTestId('job-progress')).toHaveAttribute('data-status', 'succeeded');
  });

  it('shows a failed job’s status and reason from its final message', async () => {
    const { stream, connected } = renderPanel(<FactoryPanel />, {
      routes: [
        on('GET', '/api/scenarios', () => SCENARIOS),
        on('GET', '/api/jobs', () => [job()]),
        on('GET', '/api/jobs/7', () => job()),
      ],
    });
    await screen.findByTestId('job-progress');
    await connected();

    stream([['job', job({ status: 'failed', error: 'shard 2: connection lost', finished_at: '2026-11-25T03:33:03Z' })]]);

    await waitFor(() => {
      expect(screen.getByTestId('job-progress')).toHaveAttribute('data-status', 'failed');
    });
    const progress = screen.getByTestId('job-progress');
    expect(within(progress).getByTestId('job-percent')).toHaveTextContent('42 %');
    expect(within(progress).getByTestId('job-failure')).toHaveTextContent('shard 2: connection lost');
    expect(within(progress).queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();
  });

  it('lists a job created elsewhere when its first message arrives, and follows it', async () => {
    let listed = [job({ id: 6, status: 'succeeded', progress: 1, rows_done: 50_000, run_id: 11 })];
    const { stream, connected } = renderPanel(<FactoryPanel />, {
      routes: [
        on('GET', '/api/scenarios', () => SCENARIOS),
        on('GET', '/api/jobs', () => listed),
        on('GET', '/api/jobs/6', () => listed[0]),
        on('GET', '/api/jobs/8', () => job({ id: 8, status: 'queued', progress: 0, rows_done: 0 })),
      ],
    });
    await screen.findByTestId('job-progress');
    await connected();

    const created = job({ id: 8, status: 'queued', progress: 0, rows_done: 0, started_at: null });
    listed = [created, ...listed];
    stream([['job', created]]);

    await waitFor(() => {
      expect(screen.getByTestId('job-progress')).toHaveAttribute('data-job-id', '8');
    });
    expect(screen.getByTestId('job-progress')).toHaveAttribute('data-status', 'queued');
    stream([['job', job({ id: 8, rows_done: 10_000, progress: 0.2 })]]);
    await waitFor(() => {
      expect(screen.getByTestId('job-progress')).toHaveAttribute('data-status', 'running');
    });
    expect(within(screen.getByTestId('job-progress')).getByTestId('job-percent')).toHaveTextContent('20 %');
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
