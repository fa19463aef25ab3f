import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { on, renderPanel } from '../../test/panelHarness';
import { FaultsPanel } from './FaultsPanel';

const CATALOG = [
  {
    id: 'coil_water_flow_loss',
    name: 'Coil water flow loss',
    subsystem: 'coil cooling',
    description: 'Blocked filter, kinked hose or failing pump reduces coil cooling water flow.',
    signature: 'coil_water_flow_lpm ↓',
    outcome: 'interlock trip',
    sensor_only: false,
    alarm: 101,
  },
  {
    id: 'pyrometer_dirty_lens',
    name: 'Pyrometer dirty lens',
    subsystem: 'instruments',
    description: 'Reads low.',
    signature: 'surface_temp_c ↓',
    outcome: 'none',
    sensor_only: true,
    alarm: null,
  },
];

function injected(overrides: Record<string, unknown> = {}) {
  return {
    id: 3,
    run_id: 1,
    type: 'coil_water_flow_loss',
    severity: 0.5,
    mode: 'ramp',
    duration_s: 120,
    onset_seq: 281,
    onset_at: '2026-11-25T03:36:46Z',
    cleared: false,
    ...overrides,
  };
}

async function fillForm(fault: string) {
  const form = await screen.findByRole('form', { name: 'Inject a fault' });
  fireEvent.change(within(form).getByLabelText('Fault'), { target: { value: fault } });
  return form;
}

describe('FaultsPanel', () => {
  it('posts the chosen fault with severity, mode and duration', async () => {
    const { sent } = renderPanel(<FaultsPanel />, {
      routes: [
        on('GET', '/api/faults/catalog', () => CATALOG),
        on('GET', '/api/faults', () => []),
        on('POST', '/api/faults', () => injected(), 201),
      ],
    });
    const form = await fillForm('coil_water_flow_loss');
    expect(screen.getByTestId('fault-details')).toHaveTextContent('can raise alarm 101');

    fireEvent.change(within(form).getByLabelText('Severity'), { target: { value: '0.5' } });
    fireEvent.change(within(form).getByLabelText('Mode'), { target: { value: 'ramp' } });
    fireEvent.change(within(form).getByLabelText('Duration (s)'), { target: { value: '120' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Inject' }));

    expect(await within(form).findByText(/Injected fault #3/)).toBeInTheDocument();
    expect(sent('POST', '/api/faults').map((request) => request.body)).toEqual([
      { type: 'coil_water_flow_loss', severity: 0.5, mode: 'ramp', duration_s: 120 },
    ]);
  });

  it('sends no duration when none is typed (until cleared), with the default severity and step mode', async () => {
    const { sent } = renderPanel(<FaultsPanel />, {
      routes: [
        on('GET', '/api/faults/catalog', () => CATALOG),
        on('GET', '/api/faults', () => []),
        on('POST', '/api/faults', () => injected({ type: 'pyrometer_dirty_lens' }), 201),
      ],
    });
    const form = await fillForm('pyrometer_dirty_lens');
    fireEvent.click(within(form).getByRole('button', { name: 'Inject' }));

    await within(form).findByText(/Injected fault/);
    expect(sent('POST', '/api/faults')[0]?.body).toEqual({ type: 'pyrometer_dirty_lens', severity: 0.8, mode: 'step' });
  });

  it('shows the reason of a refusal (422)', async () => {
    renderPanel(<FaultsPanel />, {
      routes: [
        on('GET', '/api/faults/catalog', () => CATALOG),
        on('GET', '/api/faults', () => []),
        on('POST', '/api/faults', () => ({ detail: 'duration_s: Input should be greater than 0' }), 422),
      ],
    });
    const form = await fillForm('coil_water_flow_loss');
    fireEvent.click(within(form).getByRole('button', { name: 'Inject' }));

    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'Injection refused: duration_s: Input should be greater than 0',
    );
  });

  it('lists the active faults and clears one with its button', async () => {
    let faults = [injected()];
    const { sent } = renderPanel(<FaultsPanel />, {
      routes: [
        on('GET', '/api/faults/catalog', () => CATALOG),
        on('GET', '/api/faults', () => faults),
        on('DELETE', '/api/faults/3', () => {
          faults = [injected({ cleared: true })];
          return faults[0];
        }),
      ],
    });
    const item = await screen.findByTestId('active-fault');
    expect(item).toHaveTextContent('#3 Coil water flow loss');
    expect(item).toHaveTextContent('severity 0.50 · ramp · 120 s');

    fireEvent.click(within(item).getByRole('button', { name: /Clear fault #3/ }));

    expect(await screen.findByTestId('no-active-fault')).toBeInTheDocument();
    expect(sent('DELETE', '/api/faults/3')).toHaveLength(1);
    expect(screen.getByText(/Cleared: #3 Coil water flow loss/)).toBeInTheDocument();
  });
});
