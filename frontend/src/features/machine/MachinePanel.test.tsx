import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { NO_LIVE_MACHINE_TEXT } from '../../lib/ui';
import { NO_LIVE_DETAIL, on, panelSample, renderPanel } from '../../test/panelHarness';
import { MachinePanel } from './MachinePanel';

const RECIPE = {
  name: '1045-shaft-scan',
  description: 'AISI 1045 shaft',
  steel_grade: '1045',
  process: 'scan',
  hardened_length_mm: 200,
  frequency_hz: 10_000,
  power_kw: 37,
  surface_hrc_min: 55,
  surface_hrc_max: 62,
  case_depth_min_mm: 2,
  case_depth_max_mm: 3.5,
  energy_tolerance_pct: 5,
  nominal_energy_kj: 740,
};

function snapshot(overrides: Record<string, unknown> = {}) {
  return {
    run_id: 1,
    seq: 100,
    state: 'HEATING',
    seconds_in_state: 5,
    part_id: 7,
    parts_made: 6,
    recipe: '1045-shaft-scan',
    speed: 10,
    alarm: null,
    active_faults: [],
    last_sample: null,
    energy_window_kj: [703, 777],
    ...overrides,
  };
}

describe('MachinePanel', () => {
  it('shows the state, the seconds in it, the part counter and the recipe from the snapshot and the newest sample', async () => {
    const { stream, connected } = renderPanel(<MachinePanel />, {
      routes: [on('GET', '/api/machine', () => snapshot()), on('GET', '/api/recipes', () => [RECIPE])],
    });
    expect(await screen.findByTestId('machine-state')).toHaveTextContent('HEATING');
    await connected();

    stream([
      ['hello', { run_id: 1, start_sim: '2026-01-01T00:00:00+00:00', seq: 102 }],
      ['sample', panelSample(103, {}, { power_kw: 37.2, energy_coil_kj: 512, surface_temp_c: 981 }), '1:103'],
    ]);

    expect(screen.getByTestId('machine-state')).toHaveAttribute('data-tone', 'heat');
    expect(screen.getByTestId('machine-step')).toHaveTextContent('8 s in state');
    expect(screen.getByTestId('machine-parts-made')).toHaveTextContent('6');
    expect(screen.getByTestId('machine-recipe')).toHaveTextContent('1045-shaft-scan');
    expect(screen.getByTestId('mimic-power')).toHaveTextContent('37.2 kW');
    expect(screen.getByTestId('mimic-surface-temp')).toHaveTextContent('981 °C');
  });

  it('draws the energy of the current part against the recipe window', async () => {
    const { stream, connected } = renderPanel(<MachinePanel />, {
      routes: [on('GET', '/api/machine', () => snapshot()), on('GET', '/api/recipes', () => [RECIPE])],
    });
    const monitor = await screen.findByTestId('energy-monitor');
    await connected();
    expect(within(monitor).getByTestId('energy-window')).toHaveTextContent('window 703–777 kJ');
    // The band spans 703–777 kJ on a scale up to 1.2 × 777 kJ.
    const band = within(monitor).getByTestId('energy-band');
    expect(parseFloat(band.style.left)).toBeCloseTo((703 / (777 * 1.2)) * 100, 3);
    expect(parseFloat(band.style.width)).toBeCloseTo(((777 - 703) / (777 * 1.2)) * 100, 3);

    stream([
      ['hello', { run_id: 1, start_sim: '2026-01-01T00:00:00+00:00', seq: 100 }],
      ['sample', panelSample(101, {}, { energy_coil_kj: 400 }), '1:101'],
    ]);
    expect(monitor).toHaveAttribute('data-verdict', 'heating');
    expect(within(monitor).getByTestId('energy-value')).toHaveTextContent('400 kJ');

    stream([['sample', panelSample(102, {}, { energy_coil_kj: 740 }), '1:102']]);
    expect(monitor).toHaveAttribute('data-verdict', 'in-window');
    expect(within(monitor).getByRole('meter')).toHaveAttribute('aria-valuenow', '740');

    stream([['sample', panelSample(103, { machine_state: 'QUENCHING' }, { energy_coil_kj: 650 }), '1:103']]);
    expect(monitor).toHaveAttribute('data-verdict', 'below');
  });

  it('follows state changes of the stream without asking for the snapshot, and asks again after a part', async () => {
    const { stream, connected, sent } = renderPanel(<MachinePanel />, {
      routes: [on('GET', '/api/machine', () => snapshot()), on('GET', '/api/recipes', () => [RECIPE])],
    });
    await screen.findByTestId('machine-state');
    await connected();
    const event = (seq: number, from: string, to: string) => ({
      run_id: 1,
      seq,
      timestamp_sim: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      kind: 'state_change',
      code: null,
      from_state: from,
      to_state: to,
      message: '',
    });

    stream([
      ['hello', { run_id: 1, start_sim: '2026-01-01T00:00:00+00:00', seq: 104 }],
      ['event', event(105, 'HEATING', 'QUENCHING')],
      ['sample', panelSample(107, { machine_state: 'QUENCHING' }), '1:107'],
    ]);
    await waitFor(() => {
      expect(screen.getByTestId('machine-step')).toHaveTextContent('2 s in state');
    });
    expect(sent('GET', '/api/machine')).toHaveLength(1);

    stream([['event', event(115, 'UNLOADING', 'IDLE')]]);
    await waitFor(() => {
      expect(sent('GET', '/api/machine')).toHaveLength(2);
    });
  });

  it('shows ALARM with the latched alarm', async () => {
    renderPanel(<MachinePanel />, {
      routes: [
        on('GET', '/api/machine', () =>
          snapshot({
            state: 'ALARM',
            alarm: { id: 155, code: 101, name: 'COIL_WATER_FLOW_LOW', text: 'coil cooling water flow low' },
          }),
        ),
      ],
    });

    const state = await screen.findByTestId('machine-state');
    expect(state).toHaveTextContent('ALARM');
    expect(state).toHaveAttribute('data-tone', 'alarm');
    expect(screen.getByTestId('machine-alarm')).toHaveTextContent('101 coil cooling water flow low');
  });

  it('sends a command and shows the reason of a refusal (409)', async () => {
    const { sent } = renderPanel(<MachinePanel />, {
      routes: [
        on('GET', '/api/machine', () => snapshot({ state: 'ALARM' })),
        on('POST', '/api/machine/reset', () => ({ detail: 'acknowledge alarm 101 before the reset' }), 409),
      ],
    });
    await screen.findByTestId('machine-state');

    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Reset refused: acknowledge alarm 101 before the reset');
    expect(sent('POST', '/api/machine/reset')).toHaveLength(1);
  });

  it('takes the snapshot a successful command answers', async () => {
    let state = 'STOPPED';
    renderPanel(<MachinePanel />, {
      routes: [
        on('GET', '/api/machine', () => snapshot({ state })),
        on('POST', '/api/machine/start', () => {
          state = 'LOADING';
          return snapshot({ state, seconds_in_state: 0 });
        }),
      ],
    });
    expect(await screen.findByTestId('machine-state')).toHaveTextContent('STOPPED');

    fireEvent.click(screen.getByRole('button', { name: 'Start' }));

    expect(await screen.findByText('Start accepted')).toBeInTheDocument();
    expect(screen.getByTestId('machine-state')).toHaveTextContent('LOADING');
  });

  it('says so quietly when the server has no live machine (a 404), without commands, and stops asking', async () => {
    const { sent } = renderPanel(<MachinePanel />, {
      routes: [on('GET', '/api/machine', () => ({ detail: NO_LIVE_DETAIL }), 404)],
    });

    expect(await screen.findByTestId('no-live-machine')).toHaveTextContent(NO_LIVE_MACHINE_TEXT);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Start' })).not.toBeInTheDocument();
    expect(sent('GET', '/api/machine')).toHaveLength(1); // no poll after the 404
  });

  it('shows the same message when the stream says the server has no live machine (hello without a run)', async () => {
    const { stream, connected } = renderPanel(<MachinePanel />, {
      routes: [on('GET', '/api/machine', () => snapshot()), on('GET', '/api/recipes', () => [RECIPE])],
    });
    expect(await screen.findByTestId('machine-state')).toHaveTextContent('HEATING');
    await connected();

    stream([['hello', { run_id: null, seq: -1 }]]);

    expect(await screen.findByTestId('no-live-machine')).toHaveTextContent(NO_LIVE_MACHINE_TEXT);
    expect(screen.queryByTestId('machine-state')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Start' })).not.toBeInTheDocument();
  });
});
