/**
 * A server without a live machine (`SIM_LIVE=false`, a second server next to the one of the global
 * setup, with its own data directory and port): the live machine's endpoints answer 404 naming why,
 * the stream says hello without a run and carries job messages only. The dashboard shows one calm
 * "no live machine" message in each live panel, no error and no retrying stream; the data factory
 * stays usable: a job started from the form reaches "succeeded" through the stream's job messages.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, type BrowserSession } from './support/chromium.ts';
import { collectPageErrors, unexpectedErrors, type PageError } from './support/consoleErrors.ts';
import { artifactsDir } from './support/paths.ts';
import { startServer, type RunningServer } from './support/server.ts';
import './support/target.ts';

const target = inject('e2eTarget');

const NO_LIVE_MACHINE_TEXT = 'No live machine on this server.';
/** The live machine's endpoints the dashboard reads; each answers 404 on this server. */
const LIVE_MACHINE_PATHS = ['/api/machine', '/api/alarms', '/api/faults'];
const LIVE_PANELS = ['panel-trends', 'panel-machine', 'panel-alarms', 'panel-faults', 'panel-parts'];

async function statusAndDetail(url: string): Promise<[number, string]> {
  const response = await fetch(url);
  const body = (await response.json()) as { detail?: unknown };
  return [response.status, String(body.detail)];
}

describe.skipIf(target.kind === 'skipped')('dashboard against a server without a live machine (SIM_LIVE=false)', () => {
  let server: RunningServer | undefined;
  let browser: BrowserSession | undefined;
  let baseUrl = '';
  let page: Page;
  let pageErrors: PageError[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    if (target.kind !== 'ready') return;
    server = await startServer({ env: { SIM_LIVE: 'false' } });
    baseUrl = server.baseUrl;
    browser = await launchChromium(target.chromiumPath);
    page = await browser.context.newPage();
    pageErrors = collectPageErrors(page);
    page.on('request', (request: Request) => {
      requests.push(new URL(request.url()).pathname);
    });
    await page.goto(`${baseUrl}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the server answers 404 for the live machine, naming why', async () => {
    if (target.kind !== 'ready') return;
    for (const endpoint of LIVE_MACHINE_PATHS) {
      const [status, detail] = await statusAndDetail(`${baseUrl}${endpoint}`);
      expect(status, endpoint).toBe(404);
      expect(detail, endpoint).toContain('SIM_LIVE=false');
    }
  });

  it('shows one calm message in every live panel, no error, and no retrying stream', async () => {
    if (target.kind !== 'ready') return;
    await page.locator('[data-testid="panel-trends"][data-live-machine="false"]').waitFor({ timeout: 20_000 });
    for (const panel of LIVE_PANELS) {
      await page.getByTestId(panel).getByText(NO_LIVE_MACHINE_TEXT).waitFor({ timeout: 10_000 });
    }
    expect(await page.getByTestId('connection-status').getAttribute('data-state')).toBe('connected');
    // Nothing to press: no machine commands, no fault form.
    expect(await page.getByTestId('machine-start').count()).toBe(0);
    expect(await page.getByTestId('panel-faults').getByRole('button', { name: 'Inject' }).count()).toBe(0);

    // A while later: still calm, the stream opened once, each live endpoint asked at most once.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.locator('[data-kind="error"]').count()).toBe(0);
    expect(requests.filter((pathname) => pathname === '/api/stream')).toHaveLength(1);
    for (const endpoint of LIVE_MACHINE_PATHS) {
      expect(requests.filter((pathname) => pathname === endpoint).length, endpoint).toBeLessThanOrEqual(1);
    }
    expect(requests).not.toContain('/api/telemetry');
    // Chromium logs each 404 answer by itself; those of the live machine's endpoints are expected here.
    expect(unexpectedErrors(pageErrors, new Set(LIVE_MACHINE_PATHS))).toEqual([]);
  });

  it('keeps the data factory usable: a job started from the form reaches "succeeded" in the UI', async () => {
    if (target.kind !== 'ready') return;
    const factory = page.getByTestId('panel-factory');
    await factory.getByLabel('Scenario').selectOption('normal_production');
    await factory.getByLabel('Rows').fill('20000');
    await factory.getByLabel('Seed').fill('11');
    const started = page.waitForResponse(
      (response) => response.url().endsWith('/api/jobs') && response.request().method() === 'POST',
    );
    await factory.getByRole('button', { name: 'Start job' }).click();
    const response = await started;
    expect(response.status()).toBe(202);
    const job = (await response.json()) as { id: number };

    const progress = factory.locator(`[data-testid="job-progress"][data-job-id="${String(job.id)}"]`);
    await progress.locator('[data-testid="job-status"]', { hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
    expect(await progress.getByTestId('job-percent').textContent()).toMatch(/^100\s%$/);
    expect(await progress.getByTestId('job-rows').textContent()).toMatch(/^20\s000 \/ 20\s000 rows$/);
    const manifestHref = await progress.getByRole('link', { name: 'Manifest' }).getAttribute('href');
    expect((await page.request.get(`${baseUrl}${manifestHref ?? ''}`)).status()).toBe(200);

    expect(await page.getByRole('alert').count()).toBe(0);
    expect(requests.filter((pathname) => pathname === '/api/stream')).toHaveLength(1);
    expect(unexpectedErrors(pageErrors, new Set(LIVE_MACHINE_PATHS))).toEqual([]);
    await mkdir(artifactsDir, { recursive: true });
    await page.screenshot({ path: path.join(artifactsDir, 'no-live-machine.png'), fullPage: true });
  });
});
