import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { chromiumIsInstalled, chromiumPath } from './support/chromium.ts';
import { distIndexHtml, frontendDir } from './support/paths.ts';
import { startServer } from './support/server.ts';
import type { E2eTarget } from './support/target.ts';

function buildDashboardIfMissing(): void {
  if (existsSync(distIndexHtml)) return;
  console.log('[e2e] frontend/dist is missing; running `npm run build` first');
  const build = spawnSync('npm', ['run', 'build'], { cwd: frontendDir, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('`npm run build` failed; the server has no dashboard to serve');
}

async function assertServerAnswers(baseUrl: string): Promise<void> {
  const url = `${baseUrl}/api/health`;
  let status: number;
  try {
    status = (await fetch(url, { signal: AbortSignal.timeout(5_000) })).status;
  } catch (error) {
    throw new Error(`E2E_BASE_URL is set but ${url} cannot be reached: ${String(error)}`, { cause: error });
  }
  if (status !== 200) throw new Error(`E2E_BASE_URL is set but ${url} answered HTTP ${String(status)}`);
}

/**
 * The live machine's speed factor for the started server: `E2E_LIVE_SPEED`, default 10 (ten samples
 * a second), so alarms, parts and resets happen within the tests' few seconds.
 */
function liveSpeed(): string {
  return process.env.E2E_LIVE_SPEED ?? '10';
}

/**
 * Starts the real server for the browser tests, or reuses the one at `E2E_BASE_URL`.
 * Without Chromium the tests are skipped with a printed reason; in CI (`CI=true`) that is a failure.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const executable = chromiumPath();
  if (!chromiumIsInstalled(executable)) {
    if (process.env.CI === 'true') {
      throw new Error(`Chromium not found at ${executable}; CI runs the browser tests (apt-get install -y chromium)`);
    }
    const reason = `Chromium not found at ${executable} (install: apt-get install -y chromium)`;
    console.log(`SKIPPED browser tests: ${reason}`);
    project.provide('e2eTarget', { kind: 'skipped', reason } satisfies E2eTarget);
    return undefined;
  }

  const reusedBaseUrl = process.env.E2E_BASE_URL?.replace(/\/+$/, '');
  if (reusedBaseUrl) {
    await assertServerAnswers(reusedBaseUrl);
    console.log(`[e2e] using the server already running at ${reusedBaseUrl}`);
    project.provide('e2eTarget', { kind: 'ready', baseUrl: reusedBaseUrl, chromiumPath: executable });
    return undefined;
  }

  buildDashboardIfMissing();
  const server = await startServer({ env: { SIM_LIVE_SPEED: liveSpeed() } });
  project.provide('e2eTarget', { kind: 'ready', baseUrl: server.baseUrl, chromiumPath: executable });
  return server.stop;
}
