import type { LiveSample } from '../../lib/stream';
import type { Recipe } from '../../lib/plant';
import { EnergyMonitor } from './EnergyMonitor';
import type { MachineSnapshot } from './machineApi';
import { MachineMimic } from './MachineMimic';
import { CYCLE_STEPS, secondsInState, stateLabel, stateTone } from './machineStates';

const EMPTY_VALUES = {};

/**
 * What the panel shows for one snapshot and the newest sample (null before the first one): state and
 * step, part counter, recipe, the mimic and the energy monitor. Pure: the live parent re-renders it
 * at most 4 times a second.
 */
export function MachineView({
  snapshot,
  sample,
  recipe,
}: {
  snapshot: MachineSnapshot;
  sample: LiveSample | null;
  recipe: Recipe | undefined;
}) {
  const state = sample?.machine_state ?? snapshot.state;
  const tone = stateTone(state);
  const seconds = secondsInState(snapshot, sample);
  const partId = sample ? sample.part_id : snapshot.part_id;
  const alarmCode = sample ? sample.alarm_code : (snapshot.alarm?.code ?? null);
  const energy = sample?.values.energy_coil_kj ?? null;
  return (
    <div className="machine__body">
      <div className="machine__status">
        <span className="machine__state" data-testid="machine-state" data-state={state} data-tone={tone}>
          {stateLabel(state)}
        </span>
        <span className="machine__step" data-testid="machine-step">
          <span className="machine__seconds">{String(seconds)}</span> s in state
        </span>
        {snapshot.alarm && (
          <span className="machine__alarm" data-testid="machine-alarm">
            {snapshot.alarm.code} {snapshot.alarm.text}
          </span>
        )}
      </div>
      <ol className="machine__cycle" aria-label="Cycle steps">
        {CYCLE_STEPS.map((step) => (
          <li key={step} className="machine__cycle-step" aria-current={step === state ? 'step' : undefined}>
            {step}
          </li>
        ))}
      </ol>
      <dl className="machine__facts">
        <div>
          <dt>Part</dt>
          <dd data-testid="machine-part">{partId === null ? '—' : `#${String(partId)}`}</dd>
        </div>
        <div>
          <dt>Parts made</dt>
          <dd data-testid="machine-parts-made">{snapshot.parts_made}</dd>
        </div>
        <div>
          <dt>Recipe</dt>
          <dd data-testid="machine-recipe" title={recipe?.description}>
            {snapshot.recipe}
          </dd>
        </div>
        <div>
          <dt>Speed</dt>
          <dd>{snapshot.speed}×</dd>
        </div>
      </dl>
      <MachineMimic
        values={sample?.values ?? EMPTY_VALUES}
        alarmCode={alarmCode}
        hardenedLengthMm={recipe?.hardened_length_mm ?? 0}
      />
      <EnergyMonitor energyKj={energy} window={snapshot.energy_window_kj} state={state} />
    </div>
  );
}
