/** Sim time: an ISO 8601 `start_sim` read once per run, then `start_sim + seq` seconds. */
import { NOMINAL_SAMPLE_PERIOD_S } from './samplePeriod';

/** An ISO 8601 timestamp (with offset) → seconds since the epoch, the x unit of the charts. */
export function simTimeSeconds(timestamp: string): number {
  const millis = Date.parse(timestamp);
  if (Number.isNaN(millis)) throw new Error(`"${timestamp}" is not an ISO 8601 timestamp`);
  return millis / 1000;
}

/** Sim time of sample `seq` of a run that started at `startSimSeconds` (seconds since the epoch). */
export function simTimeOf(startSimSeconds: number, seq: number): number {
  return startSimSeconds + seq * NOMINAL_SAMPLE_PERIOD_S;
}
