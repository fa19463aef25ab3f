import type { RunId } from './liveMessages';

/** Position of a message in the stream, from its SSE id `"<run_id>:<seq>"`. */
export interface StreamPosition {
  runId: RunId;
  seq: number;
}

export function parseEventId(id: string): StreamPosition | null {
  const separator = id.lastIndexOf(':');
  if (separator <= 0) return null;
  const seq = Number(id.slice(separator + 1));
  if (!Number.isSafeInteger(seq) || seq < 0) return null;
  return { runId: id.slice(0, separator), seq };
}
