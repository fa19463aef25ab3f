/** `timestamp_sim` (ISO 8601 with offset) → seconds since the epoch, the x unit of the charts. */
export function simTimeSeconds(timestamp: string): number {
  const millis = Date.parse(timestamp);
  if (Number.isNaN(millis)) throw new Error(`"${timestamp}" is not an ISO 8601 timestamp`);
  return millis / 1000;
}

/** Seconds since the epoch → ISO 8601 in UTC, as the API takes `since`. */
export function simTimeIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
