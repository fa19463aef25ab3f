import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, type BrowserSession } from './support/chromium.ts';
import { artifactsDir } from './support/paths.ts';
import './support/target.ts';

const target = inject('e2eTarget');

describe.skipIf(target.kind === 'skipped')('dashboard served by the real server', () => {
  let browser: BrowserSession | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (target.kind !== 'ready') return;
    browser = await launchChromium(target.chromiumPath);
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
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
    expect(pageErrors).toEqual([]);

    await mkdir(artifactsDir, { recursive: true });
    await page.screenshot({ path: path.join(artifactsDir, 'health.png'), fullPage: true });
  });
});
