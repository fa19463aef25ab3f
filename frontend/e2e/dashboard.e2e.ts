import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, type BrowserSession } from './support/chromium.ts';
import { collectPageErrors, missingLiveEndpoints, unexpectedErrors, type PageError } from './support/consoleErrors.ts';
import { artifactsDir } from './support/paths.ts';
import { recordStream, type StreamMessage } from './support/sse.ts';
import './support/target.ts';

const target = inject('e2eTarget');

/** Cycle states: the machine is producing again. */
const PRODUCTION_STATES = ['IDLE', 'LOADING', 'CLAMPING', 'HEATING', 'QUENCHING', 'TEMPERING', 'UNLOADING'];

/** The newest sample the dashboard shows (`run … · sample <seq> · …`, updated up to 4 times a second). */
async function shownSeq(page: Page): Promise<number> {
  const seq = await page.getByTestId('trends-latest').getAttribute('data-seq');
  return Number(seq);
}

/** The newest time the first trend chart drew (set by the chart itself on every redraw). */
async function chartLastTime(page: Page): Promise<number> {
  return Number(await page.getByTestId('trend-chart').first().getAttribute('data-last-time'));
}

/** Polls `read` until `accept` holds or `timeoutMs` passes; returns the last value read. */
async function waitForValue<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

async function machineState(page: Page): Promise<string> {
  return (await page.getByTestId('machine-state').getAttribute('data-state')) ?? '';
}

async function waitForMachineState(page: Page, accept: (state: string) => boolean, timeoutMs: number): Promise<string> {
  return waitForValue(() => machineState(page), accept, timeoutMs);
}

function numberIn(text: string | null): number {
  return Number.parseFloat((text ?? '').replace(/[^\d.-]/g, ''));
}

describe.skipIf(target.kind === 'skipped')('live dashboard against the real server', () => {
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
    await page.goto(`${target.baseUrl}/`);
    await page.locator('[data-testid="panel-trends"][data-live="ready"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('trends-latest').waitFor({ timeout: 15_000 });
    await page.getByTestId('machine-state').waitFor({ timeout: 15_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows at least 3 new samples within 4 s, in the status line and in the charts', async () => {
    if (target.kind !== 'ready') return;
    const startedAt = Date.now();
    const firstSeq = await shownSeq(page);
    const firstTime = await chartLastTime(page);
    const remaining = () => Math.max(0, 4_000 - (Date.now() - startedAt));

    // The status line follows the stream at up to 4 Hz; the chart at its window's redraw pace.
    const seq = await waitForValue(() => shownSeq(page), (value) => value >= firstSeq + 3, remaining());
    const time = await waitForValue(() => chartLastTime(page), (value) => value >= firstTime + 3, remaining());

    expect(seq).toBeGreaterThanOrEqual(firstSeq + 3);
    expect(time).toBeGreaterThanOrEqual(firstTime + 3); // one simulated second per sample
    expect(Date.now() - startedAt).toBeLessThanOrEqual(4_500);
    expect(unexpectedErrors(pageErrors, missingEndpoints)).toEqual([]);
  });

  it('injecting "coil water flow loss" from the UI raises alarm 101 and puts the machine in ALARM', async () => {
    if (target.kind !== 'ready') return;
    const faults = page.getByTestId('panel-faults');
    await faults.getByLabel('Fault', { exact: true }).selectOption({ label: 'Coil water flow loss' });
    await faults.getByLabel('Severity').fill('1');
    await faults.getByLabel('Mode').selectOption('step');
    await faults.getByRole('button', { name: 'Inject' }).click();

    await faults.locator('[data-testid="active-fault"][data-type="coil_water_flow_loss"]').waitFor({ timeout: 10_000 });
    expect(await waitForMachineState(page, (state) => state === 'ALARM', 15_000)).toBe('ALARM');
    const alarms = page.getByTestId('panel-alarms');
    await alarms.locator('[data-testid="active-alarm"][data-code="101"]').waitFor({ timeout: 10_000 });
    expect(await alarms.getByTestId('interlock-101').getAttribute('data-state')).toBe('latched');
    expect(await page.getByTestId('machine-alarm').textContent()).toContain('101');
    expect(unexpectedErrors(pageErrors, missingEndpoints)).toEqual([]);
  });

  it('acknowledge, clear the fault and reset from the UI bring the machine back to production', async () => {
    if (target.kind !== 'ready') return;
    const alarms = page.getByTestId('panel-alarms');
    const alarm = alarms.locator('[data-testid="active-alarm"][data-code="101"]');
    await alarm.getByLabel('Operator').fill('E2E Operator');
    await alarm.getByLabel('Comment').fill('filter cleaned');
    await alarm.getByRole('button', { name: 'Acknowledge' }).click();
    const acknowledged = alarm.getByTestId('alarm-acknowledged');
    await acknowledged.waitFor({ timeout: 10_000 });
    expect(await acknowledged.textContent()).toContain('Acknowledged by E2E Operator');
    expect(await alarms.getByTestId('interlock-101').getAttribute('data-state')).toBe('acknowledged');

    // The reset is refused while the interlock is active: remove the cause first, as an operator would.
    const faults = page.getByTestId('panel-faults');
    await faults.getByRole('button', { name: /^Clear fault #\d+ Coil water flow loss$/ }).click();
    await faults.getByTestId('no-active-fault').waitFor({ timeout: 10_000 });
    const flow = await waitForValue(
      async () => numberIn(await page.getByTestId('mimic-coil-water-flow').textContent()),
      (value) => value >= 15,
      10_000,
    );
    expect(flow).toBeGreaterThanOrEqual(15); // coil water back to its ≈ 20 l/min

    await page.getByTestId('machine-reset').click();

    const state = await waitForMachineState(page, (value) => PRODUCTION_STATES.includes(value), 15_000);
    expect(PRODUCTION_STATES).toContain(state);
    await alarms.getByTestId('no-active-alarm').waitFor({ timeout: 10_000 });
    expect(await alarms.getByTestId('interlock-101').getAttribute('data-state')).toBe('clear');
    expect(await page.getByTestId('machine-command-error').count()).toBe(0);
    const history = alarms.getByTestId('alarm-history');
    expect(await history.textContent()).toContain('E2E Operator');
    // Production goes on: a part enters the coil again.
    expect(await waitForMachineState(page, (value) => value === 'HEATING', 30_000)).toBe('HEATING');
    expect(unexpectedErrors(pageErrors, missingEndpoints)).toEqual([]);
  });

  it('a 50,000-row job started from the UI reaches 100 % while the live chart keeps moving', async () => {
    if (target.kind !== 'ready') return;
    const factory = page.getByTestId('panel-factory');
    await factory.getByLabel('Scenario').selectOption('normal_production');
    await factory.getByLabel('Rows').fill('50000');
    await factory.getByLabel('Seed').fill('7');
    const seqAtStart = await shownSeq(page);
    const timeAtStart = await chartLastTime(page);
    // What the server streams about jobs (the dashboard reads the same messages).
    const recorder = await recordStream(target.baseUrl);
    const started = page.waitForResponse(
      (response) => response.url().endsWith('/api/jobs') && response.request().method() === 'POST',
    );
    await factory.getByRole('button', { name: 'Start job' }).click();
    const job = (await (await started).json()) as { id: number };
    const isThisJob = (message: StreamMessage) => message.event === 'job' && (message.data as { id?: unknown }).id === job.id;

    const progress: Locator = factory.locator(`[data-testid="job-progress"][data-job-id="${String(job.id)}"]`);
    await progress.waitFor({ timeout: 5_000 });
    await progress.locator('[data-testid="job-percent"]', { hasText: '100 %' }).waitFor({ timeout: 60_000 });
    expect(await progress.getAttribute('data-status')).toBe('succeeded');
    expect(await progress.getByTestId('job-status').textContent()).toBe('succeeded');
    expect(await progress.getByTestId('job-rows').textContent()).toMatch(/^50\s000 \/ 50\s000 rows$/);
    // The history row says so too (it is asked again on the final message).
    const historyRow = factory.getByTestId('job-history').locator('tr', { has: page.getByRole('button', { name: `#${String(job.id)}`, exact: true }) });
    await historyRow.getByTestId('job-status').filter({ hasText: 'succeeded' }).waitFor({ timeout: 5_000 });

    // The stream told of the job's end with its final status, as GET /api/jobs/{id} tells it.
    const final = await recorder.waitFor((message) => isThisJob(message) && (message.data as { status?: unknown }).status === 'succeeded', 10_000);
    recorder.close();
    const view = (await (await fetch(`${target.baseUrl}/api/jobs/${String(job.id)}`)).json()) as Record<string, unknown>;
    expect(Object.keys(final.data as object).sort()).toEqual(Object.keys(view).sort());
    expect(final.data).toMatchObject({ status: 'succeeded', rows_written: 50_000, rows_done: 50_000, progress: 1, run_id: view.run_id });
    const statuses = recorder.messages.filter(isThisJob).map((message) => (message.data as { status: string }).status);
    expect(statuses.at(-1)).toBe('succeeded');
    expect(statuses.filter((status) => status === 'succeeded')).toHaveLength(1);

    // Samples kept arriving during the job and still do after it.
    const seqAtEnd = await shownSeq(page);
    expect(seqAtEnd).toBeGreaterThan(seqAtStart);
    const later = await waitForValue(() => shownSeq(page), (value) => value >= seqAtEnd + 3, 4_000);
    expect(later).toBeGreaterThanOrEqual(seqAtEnd + 3);
    expect(await chartLastTime(page)).toBeGreaterThan(timeAtStart);

    // The job's run can be downloaded.
    const links = progress.getByTestId('run-downloads').getByRole('link');
    expect(await links.allTextContents()).toEqual(['CSV', 'Parquet', 'Manifest']);
    const manifestHref = await progress.getByRole('link', { name: 'Manifest' }).getAttribute('href');
    const manifest = await page.request.get(`${target.baseUrl}${manifestHref ?? ''}`);
    expect(manifest.status()).toBe(200);
    expect(unexpectedErrors(pageErrors, missingEndpoints)).toEqual([]);
  });

  it('draws the measured hardness profile of a heated part, then saves a screenshot of the whole dashboard', async () => {
    if (target.kind !== 'ready') return;
    // The newest finished part is shown by default; the live machine heats parts again by now.
    const profile = page.locator('[data-testid="hardness-profile"][data-curve="true"]');
    await profile.waitFor({ timeout: 30_000 });
    const points = (await profile.locator('polyline.profile__curve').getAttribute('points')) ?? '';
    expect(points.trim().split(/\s+/).length).toBeGreaterThan(5);
    expect(await profile.textContent()).not.toContain('measured points only');
    // Its run's parts API sends the stored profile and the coil energy the recipe window applies to.
    const machine = (await (await fetch(`${target.baseUrl}/api/machine`)).json()) as { run_id: number };
    const partsPage = (await (await fetch(`${target.baseUrl}/api/runs/${String(machine.run_id)}/parts?limit=100`)).json()) as {
      parts: { surface_hrc: number | null; energy_coil_kj: number | null; profile_depth_mm: number[] | null; profile_hv: number[] | null }[];
    };
    const heated = partsPage.parts.filter((part) => part.surface_hrc !== null);
    expect(heated.length).toBeGreaterThan(0);
    for (const part of heated) {
      expect(part.energy_coil_kj).toBeGreaterThan(0);
      expect(part.profile_depth_mm?.length ?? 0).toBeGreaterThan(5);
      expect(part.profile_hv?.length).toBe(part.profile_depth_mm?.length);
    }
    await mkdir(artifactsDir, { recursive: true });
    const file = path.join(artifactsDir, 'dashboard.png');
    await page.screenshot({ path: file, fullPage: true });
    expect(unexpectedErrors(pageErrors, missingEndpoints)).toEqual([]);
  });
});
