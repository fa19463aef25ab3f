/**
 * History outlives a server restart: on a first server (its own data directory) the live machine
 * finishes a part and an alarm is raised, acknowledged and reset; a second server on the same data
 * directory (a new live run) still shows that alarm in the alarm history, and the first run's parts
 * in the parts panel until the new run finishes one. Both come from the database, not from memory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, type BrowserSession } from './support/chromium.ts';
import { startServer, type RunningServer } from './support/server.ts';
import './support/target.ts';

const target = inject('e2eTarget');

interface Snapshot {
  run_id: number;
  seq: number;
  parts_made: number;
  previous_parts_run: number | null;
  alarm: { id: number; run_id: number } | null;
}

async function api<T>(baseUrl: string, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${String(response.status)} ${await response.text()}`);
  return (await response.json()) as T;
}

async function waitForSnapshot(baseUrl: string, accept: (s: Snapshot) => boolean, timeoutMs: number): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snapshot = await api<Snapshot>(baseUrl, 'GET', '/api/machine');
    if (accept(snapshot)) return snapshot;
    if (Date.now() > deadline) throw new Error(`machine never reached the condition: ${JSON.stringify(snapshot)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(target.kind === 'skipped')('alarm and part history across a server restart', () => {
  let dataRoot = '';
  let server: RunningServer | undefined;
  let browser: BrowserSession | undefined;
  let page: Page;
  let firstRun = 0;
  let alarmId = 0;

  beforeAll(async () => {
    if (target.kind !== 'ready') return;
    dataRoot = await mkdtemp(path.join(os.tmpdir(), 'induction-sim-e2e-restart-'));
    const dataDir = path.join(dataRoot, 'data');
    // 20× real time: a part in a few seconds
    const first = await startServer({ env: { SIM_LIVE_SPEED: '20' }, dataDir });
    try {
      const made = await waitForSnapshot(first.baseUrl, (s) => s.parts_made >= 1, 60_000);
      firstRun = made.run_id;
      const tripped = await api<Snapshot>(first.baseUrl, 'POST', '/api/machine/estop');
      alarmId = tripped.alarm?.id ?? -1;
      await api(first.baseUrl, 'POST', `/api/alarms/${String(alarmId)}/ack`, { operator: 'e2e-operator', comment: 'restart test' });
      await api(first.baseUrl, 'POST', '/api/machine/reset');
      await waitForSnapshot(first.baseUrl, (s) => s.seq > tripped.seq + 3, 20_000); // the reset goes out with a tick
    } finally {
      await first.stop(); // SIGTERM: the writer writes what is queued and closes the run
    }
    // the same data directory, real time: the new run finishes no part while the test looks
    server = await startServer({ dataDir });
    browser = await launchChromium(target.chromiumPath);
    page = await browser.context.newPage();
    await page.goto(`${server.baseUrl}/`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataRoot) await rm(dataRoot, { recursive: true, force: true });
  });

  it('shows the alarm raised before the restart, with who acknowledged it', async () => {
    if (target.kind !== 'ready') return;
    const row = page.locator(`[data-testid="alarm-history"] tr[data-run="${String(firstRun)}"]`).first();
    await row.waitFor({ timeout: 20_000 });
    expect(await row.textContent()).toContain('e2e-operator');
    expect(await row.getAttribute('data-active')).toBe('false');
  });

  it("shows the previous run's parts until the new run finishes one", async () => {
    if (target.kind !== 'ready') return;
    await page.getByTestId('part-row').first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('parts-run').textContent()).toContain(`run ${String(firstRun)} (before the restart)`);
  });
});
