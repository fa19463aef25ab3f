/** The energy monitor: the coil energy of the current part against the recipe's window. */

export type EnergyVerdict = 'waiting' | 'heating' | 'in-window' | 'below' | 'above';

/** States after the heat: the part's energy is final, so below the window is a fault. */
const AFTER_HEAT = new Set(['QUENCHING', 'TEMPERING', 'UNLOADING']);

export function energyVerdict(energyKj: number | null, window: readonly [number, number], state: string): EnergyVerdict {
  if (energyKj === null || Number.isNaN(energyKj) || energyKj <= 0) return 'waiting';
  const [low, high] = window;
  if (energyKj > high) return 'above';
  if (energyKj >= low) return 'in-window';
  return AFTER_HEAT.has(state) ? 'below' : 'heating';
}

export const ENERGY_VERDICT_TEXT: Record<EnergyVerdict, string> = {
  waiting: 'no energy yet',
  heating: 'heating…',
  'in-window': 'in window',
  below: 'below window',
  above: 'above window',
};

/** Position (0–100 %) of `value` on a scale from 0 to a little above the window's top. */
export function energyScale(window: readonly [number, number]): (value: number) => number {
  const top = window[1] * 1.2 || 1;
  return (value) => Math.min(100, Math.max(0, (value / top) * 100));
}
