import { formatFixed } from '../../lib/format';
import { ENERGY_VERDICT_TEXT, energyScale, energyVerdict } from './energyWindow';

/**
 * A horizontal gauge: the recipe's energy window as a band, the current part's coil energy as a bar
 * and a marker. Green inside the band, red above it or below it once the heat is over.
 */
export function EnergyMonitor({
  energyKj,
  window,
  state,
}: {
  energyKj: number | null;
  window: readonly [number, number];
  state: string;
}) {
  const verdict = energyVerdict(energyKj, window, state);
  const toPercent = energyScale(window);
  const [low, high] = window;
  const value = energyKj ?? 0;
  return (
    <div className="energy" data-testid="energy-monitor" data-verdict={verdict}>
      <div className="energy__head">
        <span className="energy__title" title="Energy delivered to the coil for the current part (signal energy_coil_kj)">
          Coil energy
        </span>
        <span className="energy__value" data-testid="energy-value">
          <span className="energy__number">{formatFixed(energyKj, 0)}</span> kJ
        </span>
        <span className="energy__verdict">{ENERGY_VERDICT_TEXT[verdict]}</span>
      </div>
      <div
        className="energy__gauge"
        role="meter"
        aria-label="Coil energy of the current part"
        aria-valuemin={0}
        aria-valuemax={Math.round(high * 1.2)}
        aria-valuenow={Math.round(value)}
        aria-valuetext={`${formatFixed(energyKj, 0)} kJ, window ${formatFixed(low, 0)}–${formatFixed(high, 0)} kJ`}
      >
        <div
          className="energy__band"
          data-testid="energy-band"
          style={{ left: `${String(toPercent(low))}%`, width: `${String(toPercent(high) - toPercent(low))}%` }}
        />
        <div className="energy__bar" style={{ width: `${String(toPercent(value))}%` }} />
      </div>
      <div className="energy__scale">
        <span>0</span>
        <span data-testid="energy-window">
          window {formatFixed(low, 0)}–{formatFixed(high, 0)} kJ
        </span>
      </div>
    </div>
  );
}
