import type { ConsoleMessage, Page } from 'playwright-core';

/** An error the page reported: an uncaught exception or a console message of type "error". */
export interface PageError {
  text: string;
  /** The resource the browser names (for its own network messages), else the script. */
  url: string;
}

/** Collects the page's errors from now on. */
export function collectPageErrors(page: Page): PageError[] {
  const errors: PageError[] = [];
  page.on('pageerror', (error) => errors.push({ text: error.message, url: '' }));
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push({ text: message.text(), url: message.location().url });
  });
  return errors;
}

/** Endpoints of the live dashboard (issue 5) that a server may not have yet. */
export const LIVE_ENDPOINTS = ['/api/signals', '/api/stream', '/api/telemetry'] as const;

/** The HTTP status of `url` without reading its body (an event stream never ends). */
async function statusOf(url: string): Promise<number> {
  const controller = new AbortController();
  const timer = setTimeout(() => { controller.abort(); }, 5_000);
  try {
    return (await fetch(url, { signal: controller.signal })).status;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** The live endpoints this server answers with 404. */
export async function missingLiveEndpoints(baseUrl: string): Promise<Set<string>> {
  const missing = new Set<string>();
  for (const endpoint of LIVE_ENDPOINTS) {
    if ((await statusOf(`${baseUrl}${endpoint}`)) === 404) missing.add(endpoint);
  }
  return missing;
}

const NOT_FOUND_LOG = 'Failed to load resource: the server responded with a status of 404';
const EVENT_SOURCE_REFUSED = "EventSource's response has a MIME type";

/**
 * Chromium logs every 404 response as a console error by itself, whatever the page does with it.
 * The dashboard handles a missing live endpoint quietly ("Live data is not available on this
 * server"), so that one browser line is expected, but only for an endpoint this very server was
 * checked to lack. Every other error still fails the test.
 */
export function unexpectedErrors(errors: readonly PageError[], missingEndpoints: ReadonlySet<string>): PageError[] {
  return errors.filter((error) => {
    if (error.text.startsWith(NOT_FOUND_LOG) && error.url) {
      return !missingEndpoints.has(new URL(error.url).pathname);
    }
    if (error.text.startsWith(EVENT_SOURCE_REFUSED)) return !missingEndpoints.has('/api/stream');
    return true;
  });
}
