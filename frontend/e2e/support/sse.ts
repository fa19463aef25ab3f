/** A node-side reader of the server's event stream, to check what the dashboard is sent. */

export interface StreamMessage {
  event: string;
  id: string | null;
  data: unknown;
}

export interface StreamRecorder {
  messages: StreamMessage[];
  /** Resolves with the first recorded message that `accept` takes, or rejects after `timeoutMs`. */
  waitFor: (accept: (message: StreamMessage) => boolean, timeoutMs: number) => Promise<StreamMessage>;
  close: () => void;
}

function parseBlock(block: string): StreamMessage | null {
  let event = 'message';
  let id: string | null = null;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  const text = data.join('\n');
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { event, id, data: parsed };
}

/** Opens `GET <baseUrl>/api/stream` and records every message until `close()`. */
export async function recordStream(baseUrl: string): Promise<StreamRecorder> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/stream`, {
    headers: { Accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`GET /api/stream answered ${String(response.status)}`);
  const messages: StreamMessage[] = [];
  const waiters = new Set<() => void>();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const message = parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (message) {
            messages.push(message);
            for (const wake of waiters) wake();
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted by close()
    }
  })();

  const waitFor = (accept: (message: StreamMessage) => boolean, timeoutMs: number) =>
    new Promise<StreamMessage>((resolve, reject) => {
      const check = () => {
        const found = messages.find(accept);
        if (!found) return;
        cleanup();
        resolve(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no matching stream message within ${String(timeoutMs)} ms (${String(messages.length)} recorded)`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  return {
    messages,
    waitFor,
    close: () => {
      controller.abort();
    },
  };
}
