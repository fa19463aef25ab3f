/**
 * The operator token prompt against a real server started with `SIM_OPERATOR_TOKEN` (a second
 * server, next to the one of the global setup): a change from the dashboard asks for the token, a
 * wrong token is refused with the server's message, the right one makes the change take effect and
 * is kept for the tab; a cancelled prompt leaves the change undone with a readable message.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, type BrowserSession } from './support/chromium.ts';
import { collectPageErrors, type PageError } from './support/consoleErrors.ts';
import { artifactsDir } from './support/paths.ts';
import { startServer, type RunningServer } from './support/server.ts';
import './support/target.ts';

const target = inject('e2eTarget');

const TOKEN = 'e2e-operator-token-7f3a';
const TOKEN_STORAGE_KEY = 'induction-sim.operator-token';
const FAULT_TYPE = 'pyrometer_dirty_lens';
const FAULT_NAME = 'Pyrometer dirty lens';

interface FaultView {
  id: number;
  type: string;
  cleared: boolean;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${String(response.status)}`);
  return (await response.json()) as T;
}

/** Chromium logs each 401 answer as a console error by itself; the refusals this test provokes are expected. */
function unexpected(errors: readonly PageError[]): PageError[] {
  return errors.filter(
    (error) => !error.text.startsWith('Failed to load resource: the server responded with a status of 401'),
  );
}

async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

async function openDashboard(browser: BrowserSession, baseUrl: string): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('machine-state').waitFor({ timeout: 20_000 });
  await page.getByTestId('panel-faults').getByRole('button', { name: 'Inject' }).waitFor({ timeout: 20_000 });
  return page;
}

describe.skipIf(target.kind === 'skipped')('operator token prompt against a server with SIM_OPERATOR_TOKEN', () => {
  let server: RunningServer | undefined;
  let browser: BrowserSession | undefined;
  let baseUrl = '';
  let page: Page;
  let pageErrors: PageError[] = [];

  beforeAll(async () => {
    if (target.kind !== 'ready') return;
    server = await startServer({ env: { SIM_LIVE_SPEED: '10', SIM_OPERATOR_TOKEN: TOKEN } });
    baseUrl = server.baseUrl;
    browser = await launchChromium(target.chromiumPath);
    page = await openDashboard(browser, baseUrl);
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the server refuses changes without the token and answers reads', async () => {
    if (target.kind !== 'ready') return;
    const refused = await fetch(`${baseUrl}/api/machine/stop`, { method: 'POST' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/^operator token required/);
    expect((await fetch(`${baseUrl}/api/machine`)).status).toBe(200);
  });

  it('injecting a fault asks for the token; a wrong one is refused with the server’s message, the right one injects', async () => {
    if (target.kind !== 'ready') return;
    const faults = page.getByTestId('panel-faults');
    await faults.getByLabel('Fault', { exact: true }).selectOption({ label: FAULT_NAME });
    await faults.getByLabel('Severity').fill('0.5');
    await faults.getByRole('button', { name: 'Inject' }).click();

    const dialog = page.getByRole('dialog', { name: 'Operator token required' });
    await dialog.waitFor({ timeout: 10_000 });
    expect(await dialog.getByTestId('operator-token-reason').textContent()).toContain('operator token required');
    const input = dialog.getByLabel('Operator token');
    expect(await input.evaluate((element) => element === document.activeElement)).toBe(true);

    await input.fill('not-the-token');
    await dialog.getByRole('button', { name: 'Send with token' }).click();
    const refusal = dialog.getByRole('alert');
    await refusal.waitFor({ timeout: 10_000 });
    expect(await refusal.textContent()).toMatch(/^Token refused: operator token required/);
    await mkdir(artifactsDir, { recursive: true });
    await page.screenshot({ path: path.join(artifactsDir, 'operator-token.png') });
    expect(await getJson<FaultView[]>(`${baseUrl}/api/faults`)).toEqual([]);

    await input.fill(TOKEN);
    await dialog.getByRole('button', { name: 'Send with token' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });

    await faults.locator(`[data-testid="active-fault"][data-type="${FAULT_TYPE}"]`).waitFor({ timeout: 10_000 });
    const injected = await getJson<FaultView[]>(`${baseUrl}/api/faults`);
    expect(injected.map((fault) => [fault.type, fault.cleared])).toEqual([[FAULT_TYPE, false]]);
    expect(await faults.getByTestId('inject-error').count()).toBe(0);
    expect(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_STORAGE_KEY)).toBe(TOKEN);
    expect(unexpected(pageErrors)).toEqual([]);
  });

  it('the next changes go with the kept token, without asking again', async () => {
    if (target.kind !== 'ready') return;
    const faults = page.getByTestId('panel-faults');
    await faults.getByRole('button', { name: new RegExp(`^Clear fault #\\d+ ${FAULT_NAME}$`) }).click();
    await faults.getByTestId('no-active-fault').waitFor({ timeout: 10_000 });
    const cleared = await getJson<FaultView[]>(`${baseUrl}/api/faults`);
    expect(cleared.map((fault) => [fault.type, fault.cleared])).toEqual([[FAULT_TYPE, true]]);

    await page.getByTestId('machine-stop').click();
    await page.getByText('Stop accepted').waitFor({ timeout: 10_000 });
    // The machine stops after the current cycle (a few seconds at 10×), in the UI and in the API.
    await page.locator('[data-testid="machine-state"][data-state="STOPPED"]').waitFor({ timeout: 40_000 });
    expect((await getJson<{ state: string }>(`${baseUrl}/api/machine`)).state).toBe('STOPPED');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(unexpected(pageErrors)).toEqual([]);
  });

  it('a new tab asks again; Cancel leaves the change undone with a readable message', async () => {
    if (target.kind !== 'ready' || !browser) return;
    const tab = await openDashboard(browser, baseUrl);
    const tabErrors = collectPageErrors(tab);
    await tab.getByTestId('machine-start').click();
    const dialog = tab.getByRole('dialog', { name: 'Operator token required' });
    await dialog.waitFor({ timeout: 10_000 });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });

    const error = tab.getByTestId('machine-command-error');
    await error.waitFor({ timeout: 5_000 });
    expect(await error.textContent()).toBe('Start refused: operator token not entered (this server accepts changes only with it)');
    expect((await getJson<{ state: string }>(`${baseUrl}/api/machine`)).state).toBe('STOPPED');
    // Escape also cancels, and the right token then starts the machine.
    await tab.getByTestId('machine-start').click();
    await dialog.waitFor({ timeout: 10_000 });
    await tab.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    await tab.getByTestId('machine-start').click();
    await dialog.getByLabel('Operator token').fill(TOKEN);
    await tab.keyboard.press('Enter');
    await tab.getByText('Start accepted').waitFor({ timeout: 10_000 });
    const state = await waitFor(
      async () => (await getJson<{ state: string }>(`${baseUrl}/api/machine`)).state,
      (value) => value !== 'STOPPED',
      10_000,
    );
    expect(state).not.toBe('STOPPED');
    expect(unexpected(tabErrors)).toEqual([]);
    await tab.close();
  });
});
