const PROBE_TIMEOUT_MS = 5_000;

/**
 * The HTTP status `url` answers (0 when nothing answered), without reading the body: an endless
 * event stream is cut as soon as its headers arrive. Tells "this server has no stream" (404) apart
 * from "the server is down or busy", which `EventSource` reports alike.
 */
export async function probeStatus(url: string): Promise<number> {
  const controller = new AbortController();
  const timer = setTimeout(() => { controller.abort(); }, PROBE_TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      headers: { Accept: 'text/event-stream' },
      cache: 'no-store',
      signal: controller.signal,
    });
    return response.status;
  } catch {
    return 0;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
