import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { on, panelSample, renderPanel } from '../../test/panelHarness';
import { PartsPanel } from './PartsPanel';

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

function part(id: number, overrides: Record<string, unknown> = {}) {
  return {
    part_id: id,
    recipe_name: '1045-shaft-scan',
    steel_grade: '1045',
    started_sim: '2026-11-25T03:40:47Z',
    finished_sim: '2026-11-25T03:41:23Z',
    surface_hrc: 58.1,
    case_depth_mm: 2.71,
    case_depth_iso_mm: 2.77,
    peak_surface_temp_c: 1023.7,
    energy_coil_kj: 740,
    energy_part_kj: 591.8,
    verdict: 'OK',
    reasons: [],
    plant_verdict: 'OK',
    plant_reasons: [],
    interrupted: false,
    surface_hrc_measured: null,
    hardness_inspected: false,
    case_depth_measured_mm: null,
    case_depth_inspected: false,
    ...overrides,
  };
}

describe('PartsPanel', () => {
  it('lists the newest parts of the live run with verdicts and draws the profile of the selected one', async () => {
    const { stream, connected, sent } = renderPanel(<PartsPanel />, {
      routes: [
        on('GET', '/api/runs/5/parts', () => ({
          run_id: 5,
          parts: [
            part(1),
            part(2, {
              verdict: 'NOK',
              reasons: ['SOFT'],
              plant_verdict: 'NOK',
              plant_reasons: ['SOFT'],
              surface_hrc: 52.3,
              surface_hrc_measured: 52.5,
              hardness_inspected: true,
            }),
            part(3, { profile_depth_mm: [0, 1, 2, 3, 4], profile_hv: [690, 680, 600, 400, 250] }),
          ],
          next_after_part_id: null,
        })),
        on('GET', '/api/recipes', () => [RECIPE]),
      ],
    });
    await connected();
    stream([
      ['hello', { run_id: 5, start_sim: '2026-01-01T00:00:00+00:00', seq: 10 }],
      ['sample', panelSample(11, { run_id: 5, part_id: 4 }), '5:11'],
    ]);

    const rows = await screen.findAllByTestId('part-row');
    // QA's reading ("—": not measured), then the true value; the plant's verdict, then the true one
    expect(rows.map((row) => row.textContent)).toEqual([
      '#3— 58.1— 2.71740OKOK',
      '#252.5 52.3— 2.71740NOK SOFTNOK SOFT',
      '#1— 58.1— 2.71740OKOK',
    ]);
    expect(rows.map((row) => row.dataset.inspected)).toEqual(['none', 'hardness', 'none']);
    expect(screen.getByTestId('profile-qa')).toHaveTextContent('QA: not inspected · plant OK');
    expect(sent('GET', '/api/runs/5/parts')[0]?.search.get('after_part_id')).toBe('0');
    const profile = screen.getByTestId('hardness-profile');
    expect(profile).toHaveAttribute('data-curve', 'true');
    expect(profile).toHaveTextContent('Part #3');
    expect(screen.getByTestId('profile-energy')).toHaveTextContent('740 kJ coil · 592 kJ in the part');

    fireEvent.click(within(rows[1] ?? document.body).getByRole('button', { name: '#2' }));
    expect(screen.getByTestId('hardness-profile')).toHaveAttribute('data-curve', 'false');
    expect(screen.getByTestId('hardness-profile')).toHaveTextContent('measured points only');
  });

  it('shows what QA measured beside the truth, and marks parts whose plant and true verdicts disagree', async () => {
    const { stream, connected } = renderPanel(<PartsPanel />, {
      routes: [
        on('GET', '/api/runs/5/parts', () => ({
          run_id: 5,
          parts: [
            // a good part that read just below the window: rejected by the plant
            part(10, {
              surface_hrc: 55.2,
              surface_hrc_measured: 54.8,
              hardness_inspected: true,
              plant_verdict: 'NOK',
              plant_reasons: ['SOFT'],
            }),
            // a soft part nobody tested: shipped
            part(11, { surface_hrc: 53.0, verdict: 'NOK', reasons: ['SOFT'] }),
            // sectioned
            part(250, {
              surface_hrc_measured: 58.3,
              hardness_inspected: true,
              case_depth_measured_mm: 2.68,
              case_depth_inspected: true,
              profile_depth_mm: [0, 1, 2, 3, 4],
              profile_hv: [690, 680, 600, 400, 250],
            }),
          ],
          next_after_part_id: null,
        })),
        on('GET', '/api/recipes', () => [RECIPE]),
      ],
    });
    await connected();
    stream([
      ['hello', { run_id: 5, start_sim: '2026-01-01T00:00:00+00:00', seq: 10 }],
      ['sample', panelSample(11, { run_id: 5, part_id: 251 }), '5:11'],
    ]);

    const rows = await screen.findAllByTestId('part-row');
    expect(rows.map((row) => row.dataset.inspected)).toEqual(['section', 'none', 'hardness']);
    expect(rows.map((row) => row.dataset.disagree)).toEqual(['false', 'true', 'true']);
    const [sectioned, shipped, rejected] = rows.map((row) => within(row));
    expect(sectioned?.getByTestId('plant-verdict')).toHaveTextContent('OK');
    expect(shipped?.getByTestId('plant-verdict')).toHaveTextContent(/^OK$/);
    expect(shipped?.getByTestId('true-verdict')).toHaveTextContent('NOK SOFT');
    expect(rejected?.getByTestId('plant-verdict')).toHaveTextContent('NOK SOFT');
    expect(rejected?.getByTestId('true-verdict')).toHaveTextContent(/^OK$/);
    expect(screen.getByTestId('profile-qa')).toHaveTextContent('QA: 58.3 HRC · case 2.68 mm · plant OK');
    expect(screen.getByTestId('profile-measured-depth')).toBeInTheDocument();

    fireEvent.click(within(rows[2] ?? document.body).getByRole('button', { name: '#10' }));
    expect(screen.getByTestId('profile-qa')).toHaveTextContent('QA: 54.8 HRC (not sectioned) · plant NOK SOFT');
    expect(screen.queryByTestId('profile-measured-depth')).not.toBeInTheDocument();
  });

  it('says so quietly when the server has no parts endpoint', async () => {
    const { stream, connected } = renderPanel(<PartsPanel />);
    expect(await screen.findByText('Parts of the live run appear once live data arrives.')).toBeInTheDocument();
    await connected();
    stream([
      ['hello', { run_id: 5, start_sim: '2026-01-01T00:00:00+00:00', seq: 10 }],
      ['sample', panelSample(11, { run_id: 5, part_id: 4 }), '5:11'],
    ]);

    expect(await screen.findByText('Part results are not available on this server.')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows the previous live run\'s parts after a server restart, until the new run finishes one', async () => {
    const { stream, connected } = renderPanel(<PartsPanel />, {
      routes: [
        on('GET', '/api/runs/6/parts', () => ({ run_id: 6, parts: [], next_after_part_id: null })),
        on('GET', '/api/machine', () => ({ previous_parts_run: 5 })),
        on('GET', '/api/runs/5/parts', () => ({ run_id: 5, parts: [part(1), part(2)], next_after_part_id: null })),
        on('GET', '/api/recipes', () => [RECIPE]),
      ],
    });
    await connected();
    stream([
      ['hello', { run_id: 6, start_sim: '2026-01-01T00:00:00+00:00', seq: 3 }],
      ['sample', panelSample(4, { run_id: 6, part_id: 1 }), '6:4'],
    ]);

    expect(await screen.findAllByTestId('part-row')).toHaveLength(2);
    expect(screen.getByTestId('parts-run')).toHaveTextContent('run 5 (before the restart)');
  });
});
