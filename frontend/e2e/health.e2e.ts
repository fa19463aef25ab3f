import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, type BrowserSession } from './support/chromium.ts';
import { collectPageErrors, missingLiveEndpoints, unexpectedErrors, type PageError } from './support/consoleErrors.ts';
import { artifactsDir } from './support/paths.ts';
import './support/target.ts';

const target = inject('e2eTarget');

describe.skipIf(target.kind === 'skipped')('dashboard served by the real server', () => {
  let browser: BrowserSession | undefined;
  let page: Page;
  let pageErrors: PageError[] = [];
  let missingEndpoints = new Set<string>();

  beforeAll(async () => {
    if (target.kind !== 'ready') return;
    missingEndpoints = await missingLiveEndpoints(target.baseUrl);
    browser = await launchChromium(target.chromiumPath);
    page = await browser.context.newPage();
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows "Connected" to the embedded PostgreSQL in the header', async () => {
    if (target.kind !== 'ready') return;

    await page.goto(`${target.baseUrl}/`);
    await page.locator('[data-testid="connection-status"][data-state="connected"]').waitFor({ timeout: 15_000 });

    expect(await page.title()).toBe('Induction Hardening Simulator');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Induction Hardening Simulator');
    expect(await page.getByTestId('connection-status').textContent()).toBe('Connected');
    const details = await page.getByTestId('connection-details').textContent();
    expect(details).toContain('embedded');
    expect(details).toMatch(/^PostgreSQL \d+(\.\d+)* \(embedded\) · v\d+\.\d+\.\d+/);
    expect(await page.getByTestId('dashboard').isVisible()).toBe(true);
    expect(unexpectedErrors(pageErrors, missingEndpoints)).toEqual([]);

    await mkdir(artifactsDir, { recursive: true });
    await page.screenshot({ path: path.join(artifactsDir, 'health.png'), fullPage: true });
  });

  it('shows the live trends panel in a sensible state, whatever live endpoints the server has', async () => {
    if (target.kind !== 'ready') return;

    const trends = page.getByTestId('panel-trends');
    await page.locator('[data-testid="panel-trends"]:not([data-live="loading"])').waitFor({ timeout: 15_000 });
    const live = await trends.getAttribute('data-live');

    if (missingEndpoints.has('/api/signals')) {
      expect(live).toBe('unavailable');
      expect(await trends.getByTestId('trends-message').textContent()).toBe('Live data is not available on this server.');
    } else {
      expect(live).toBe('ready');
    }
    expect(await trends.getByRole('alert').count()).toBe(0);
    expect(unexpectedErrors(pageErrors, missingEndpoints)).toEqual([]);
  });
});
