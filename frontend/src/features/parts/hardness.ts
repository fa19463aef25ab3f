/**
 * Vickers ↔ Rockwell C by linear interpolation of ASTM E140 (steel) points, the same points the
 * simulator uses (backend `physics/metallurgy.py`); linear beyond the ends.
 */
const E140_HV = [238, 302, 392, 446, 513, 595, 653, 697, 746, 800, 940] as const;
const E140_HRC = [20, 30, 40, 45, 50, 55, 58, 60, 62, 64, 68] as const;

/** SAE J423 effective case depth limit: 50 HRC. */
export const CASE_DEPTH_LIMIT_HV = 513;

function interpolate(x: number, xs: readonly number[], ys: readonly number[]): number {
  const last = xs.length - 1;
  let index = 0;
  if (x >= (xs[last] ?? 0)) index = last - 1;
  else while (index < last - 1 && x > (xs[index + 1] ?? 0)) index += 1;
  const x0 = xs[index] ?? 0;
  const x1 = xs[index + 1] ?? 1;
  const y0 = ys[index] ?? 0;
  const y1 = ys[index + 1] ?? 0;
  return y0 + ((x - x0) * (y1 - y0)) / (x1 - x0);
}

export function hrcToHv(hrc: number): number {
  return interpolate(hrc, E140_HRC, E140_HV);
}

export function hvToHrc(hv: number): number {
  return interpolate(hv, E140_HV, E140_HRC);
}
