import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { on, renderPanel } from '../../test/panelHarness';
import { AlarmsPanel } from './AlarmsPanel';

function alarm(overrides: Record<string, unknown> = {}) {
  return {
    run_id: 1,
    id: 155,
    code: 101,
    name: 'COIL_WATER_FLOW_LOW',
    text: 'coil cooling water flow low',
    action: 'pump, filter, hoses',
    active: true,
    raised_at: '2026-11-25T03:34:40Z',
    acknowledged_by: null,
    ack_comment: null,
    acknowledged_at: null,
    reset_at: null,
    ...overrides,
  };
}

describe('AlarmsPanel', () => {
  it('shows the active alarm prominently and its interlock latched', async () => {
    renderPanel(<AlarmsPanel />, { routes: [on('GET', '/api/alarms', () => [alarm()])] });

    const active = await screen.findByTestId('active-alarm');
    expect(active).toHaveTextContent('101');
    expect(active).toHaveTextContent('COIL_WATER_FLOW_LOW');
    expect(active).toHaveTextContent('check: pump, filter, hoses');
    expect(screen.getByTestId('interlock-101')).toHaveAttribute('data-state', 'latched');
    expect(screen.getByTestId('interlock-201')).toHaveAttribute('data-state', 'clear');
    expect(screen.getByTestId('panel-alarms')).toHaveAttribute('data-active-alarms', '1');
  });

  it('posts the operator and comment of the acknowledge form and shows a refusal (409) as the server words it', async () => {
    const { sent } = renderPanel(<AlarmsPanel />, {
      routes: [
        on('GET', '/api/alarms', () => [alarm()]),
        on('POST', '/api/alarms/155/ack', () => ({ detail: 'alarm 155 is already acknowledged by Bob' }), 409),
      ],
    });
    const form = await screen.findByRole('form', { name: 'Acknowledge alarm 101' });
    const submit = within(form).getByRole('button', { name: 'Acknowledge' });
    expect(submit).toBeDisabled(); // an operator name is required

    fireEvent.change(within(form).getByLabelText('Operator'), { target: { value: ' Ann ' } });
    fireEvent.change(within(form).getByLabelText('Comment'), { target: { value: 'filter changed' } });
    fireEvent.click(submit);

    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'Acknowledge refused: alarm 155 is already acknowledged by Bob',
    );
    expect(sent('POST', '/api/alarms/155/ack').map((request) => request.body)).toEqual([
      { operator: 'Ann', comment: 'filter changed', run_id: 1 },
    ]);
  });

  it('leaves the comment out when none is typed, and shows who acknowledged once the server says so', async () => {
    let acknowledged = false;
    const { sent } = renderPanel(<AlarmsPanel />, {
      routes: [
        on('GET', '/api/alarms', () => [
          acknowledged
            ? alarm({ acknowledged_by: 'Ann', acknowledged_at: '2026-11-25T03:35:40Z', ack_comment: null })
            : alarm(),
        ]),
        on('POST', '/api/alarms/155/ack', () => {
          acknowledged = true;
          return alarm();
        }),
      ],
    });
    const form = await screen.findByRole('form', { name: 'Acknowledge alarm 101' });
    fireEvent.change(within(form).getByLabelText('Operator'), { target: { value: 'Ann' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Acknowledge' }));

    expect(await screen.findByTestId('alarm-acknowledged')).toHaveTextContent('Acknowledged by Ann at 03:35:40');
    expect(sent('POST', '/api/alarms/155/ack')[0]?.body).toEqual({ operator: 'Ann', run_id: 1 }) // the alarm's run: ids are unique within a run;
    expect(screen.getByTestId('interlock-101')).toHaveAttribute('data-state', 'acknowledged');
  });

  it('refreshes on alarm events of the stream', async () => {
    let alarms: unknown[] = [];
    const { stream, connected } = renderPanel(<AlarmsPanel />, {
      routes: [on('GET', '/api/alarms', () => alarms)],
    });
    expect(await screen.findByTestId('no-active-alarm')).toBeInTheDocument();
    await connected();

    alarms = [alarm()];
    stream([
      [
        'event',
        {
          run_id: 1,
          seq: 155,
          timestamp_sim: '2026-11-25T03:34:40+00:00',
          kind: 'alarm_raised',
          code: 101,
          message: 'coil cooling water flow low',
        },
      ],
    ]);

    await waitFor(() => {
      expect(screen.getByTestId('active-alarm')).toBeInTheDocument();
    });
  });

  it('lists past alarms with who acknowledged them', async () => {
    renderPanel(<AlarmsPanel />, {
      routes: [
        on('GET', '/api/alarms', () => [
          alarm({
            active: false,
            acknowledged_by: 'Ann',
            ack_comment: 'filter changed',
            acknowledged_at: '2026-11-25T03:35:40Z',
            reset_at: '2026-11-25T03:35:46Z',
          }),
        ]),
      ],
    });

    const history = await screen.findByTestId('alarm-history');
    expect(history).toHaveTextContent('Ann 03:35:40 “filter changed”');
    expect(history).toHaveTextContent('03:35:46');
    expect(screen.getByTestId('no-active-alarm')).toBeInTheDocument();
  });
});
