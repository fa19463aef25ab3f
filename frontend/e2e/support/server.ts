import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { distDir, serverExecutable } from './paths.ts';

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;
const HOST = '127.0.0.1';

export interface RunningServer {
  baseUrl: string;
  stop: () => Promise<void>;
}

/** Asks the OS for a port that is free right now. */
async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the probe port'));
      });
    });
  });
}

async function healthAnswers(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => { resolve(); }));
}

/** SIGTERM (the server then stops its embedded PostgreSQL itself), SIGKILL if still running after 15 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stoppedInTime = await Promise.race([
    exited(child).then(() => true),
    sleep(STOP_GRACE_MS).then(() => false),
  ]);
  if (stoppedInTime) return;
  console.error(`[e2e] server did not stop within ${String(STOP_GRACE_MS / 1000)} s of SIGTERM; sending SIGKILL`);
  child.kill('SIGKILL');
  await exited(child);
}

export interface ServerOptions {
  /**
   * Extra environment of the server, e.g. `{ SIM_LIVE_SPEED: '10' }` for a live machine ten times
   * faster than real time. The data directory, the dashboard and the database stay as below.
   */
  env?: Readonly<Record<string, string>>;
  /**
   * A data directory to use and keep (a restart on the same database); without it a fresh one is
   * made and removed at the stop.
   */
  dataDir?: string;
}

/** Always the embedded PostgreSQL in a fresh directory, serving the dashboard built here. */
function serverEnvironment(dataDir: string, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, SIM_DATA_DIR: dataDir, SIM_FRONTEND_DIST: distDir };
  delete env.DATABASE_URL;
  delete env.SIM_DATABASE_URL;
  return env;
}

/**
 * Starts the real backend (`induction-sim serve`) on a free port with a fresh data directory, so it
 * runs its own embedded PostgreSQL, and waits until `/api/health` answers 200.
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  if (!existsSync(serverExecutable)) {
    throw new Error(
      `The backend is not installed: ${serverExecutable} is missing (run \`make run\` or install backend/ into .venv).`,
    );
  }
  const port = await findFreePort();
  const baseUrl = `http://${HOST}:${String(port)}`;
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'induction-sim-e2e-'));
  const dataDir = options.dataDir ?? path.join(workDir, 'data');

  const child = spawn(serverExecutable, ['serve', '--host', HOST, '--port', String(port)], {
    // A fresh working directory: no `.env` of the developer's changes what is tested.
    cwd: workDir,
    env: serverEnvironment(dataDir, options.env ?? {}),
    // Same process group as the test run, so Ctrl-C in a terminal stops the server cleanly too.
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  // Last resort if the test run dies without its teardown: never leave a server behind.
  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async () => {
    await stopProcess(child);
    process.removeListener('exit', killOnExit);
    await rm(workDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (spawnError) {
      process.removeListener('exit', killOnExit);
      await rm(workDir, { recursive: true, force: true });
      throw new Error(`cannot start ${serverExecutable}: ${spawnError.message}`, { cause: spawnError });
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(
        `induction-sim serve exited (code ${String(child.exitCode)}, signal ${String(child.signalCode)}) before it was ready. Its output:\n${output}`,
      );
    }
    if (await healthAnswers(baseUrl)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `induction-sim serve did not answer ${baseUrl}/api/health with 200 within ${String(READY_TIMEOUT_MS / 1000)} s. Its output:\n${output}`,
      );
    }
    await sleep(250);
  }
  const extra = Object.entries(options.env ?? {}).map(([key, value]) => `${key}=${value}`).join(' ');
  console.log(`[e2e] induction-sim serve is ready at ${baseUrl} (data in ${dataDir}${extra ? `; ${extra}` : ''})`);
  return { baseUrl, stop };
}
