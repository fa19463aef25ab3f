/** Number and time formatting shared by the panels (HMI style: fixed digits, "—" for nothing). */

export const NO_VALUE = '—';

/** `value` with `digits` decimals, or "—" for null, undefined or NaN. */
export function formatFixed(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  return value.toFixed(digits);
}

/** Thousands separated by a thin space: 50 000. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE;
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}

/** A duration in seconds, short: "0.4 s", "12 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return NO_VALUE;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${String(whole)} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${String(minutes)} min ${String(whole % 60).padStart(2, '0')} s`;
  return `${String(Math.floor(minutes / 60))} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The time of day of an ISO 8601 timestamp, "14:03:27" (UTC, as the simulator keeps time). */
export function formatClock(timestamp: string | null | undefined): string {
  if (!timestamp) return NO_VALUE;
  const millis = Date.parse(timestamp);
  if (Number.isNaN(millis)) return NO_VALUE;
  return new Date(millis).toISOString().slice(11, 19);
}
