/**
 * Cross-site control in the real browser: a page served from another origin (another port on
 * 127.0.0.1, the "same site" to a browser) submits HTML forms and `no-cors` fetches to the
 * machine's control endpoints of the real server. None of them may reach the machine: the
 * server refuses them (403) because the browser marks them cross-origin. A client that is not a
 * browser (this test's own requests) still controls the machine.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, type BrowserSession } from './support/chromium.ts';
import { recordStream, type StreamMessage, type StreamRecorder } from './support/sse.ts';
import './support/target.ts';

const target = inject('e2eTarget');

const COMMANDS = ['estop', 'stop', 'start', 'reset'] as const;
/** Machine events only an accepted command produces. */
const COMMAND_EVENTS = ['operator_action', 'alarm_reset', 'alarm_acknowledged'];

interface MachineView {
  state: string;
  alarm: unknown;
}

async function machine(baseUrl: string): Promise<MachineView> {
  const response = await fetch(`${baseUrl}/api/machine`);
  if (!response.ok) throw new Error(`GET /api/machine answered ${String(response.status)}`);
  return (await response.json()) as MachineView;
}

function commandEvents(messages: readonly StreamMessage[]): StreamMessage[] {
  return messages.filter((message) => {
    const kind = (message.data as { kind?: string } | null)?.kind ?? '';
    return message.event === 'event' && COMMAND_EVENTS.includes(kind);
  });
}

/** The attacker's page: one form per command, each posting into its own hidden frame, then a
 * no-cors fetch per command. `window.attack` resolves once every form's frame loaded and every
 * fetch settled, so the test knows the browser really sent them all. */
function attackPage(apiBase: string): string {
  const forms = COMMANDS.map(
    (command) =>
      `<iframe name="sink-${command}"></iframe>` +
      `<form id="form-${command}" method="POST" action="${apiBase}/api/machine/${command}" target="sink-${command}">` +
      `<input name="open" value="true"></form>`,
  ).join('\n');
  return `<!doctype html><title>elsewhere</title>
${forms}
<script>
  const commands = ${JSON.stringify(COMMANDS)};
  window.attack = async () => {
    const framesLoaded = commands.map((command) => new Promise((resolve) => {
      document.querySelector('iframe[name="sink-' + command + '"]').addEventListener('load', () => resolve(command), { once: true });
    }));
    for (const command of commands) document.getElementById('form-' + command).submit();
    const fetched = await Promise.allSettled(commands.map((command) =>
      fetch(${JSON.stringify(apiBase)} + '/api/machine/' + command, { method: 'POST', mode: 'no-cors' })
        .then((response) => response.type)));
    await Promise.all(framesLoaded);
    return fetched.map((result) => result.status === 'fulfilled' ? result.value : 'failed');
  };
</script>`;
}

async function serveAttackPage(apiBase: string): Promise<{ url: string; close: () => Promise<void> }> {
  const page = attackPage(apiBase);
  const server = http.createServer((_, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    response.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/`,
    close: () => new Promise<void>((resolve) => { server.close(() => { resolve(); }); }),
  };
}

async function waitForState(baseUrl: string, accept: (state: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let { state } = await machine(baseUrl);
  while (!accept(state) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    ({ state } = await machine(baseUrl));
  }
  return state;
}

describe.skipIf(target.kind === 'skipped')('a page on another origin cannot control the machine', () => {
  let browser: BrowserSession | undefined;
  let attacker: { url: string; close: () => Promise<void> } | undefined;
  let stream: StreamRecorder | undefined;
  let baseUrl = '';

  beforeAll(async () => {
    if (target.kind !== 'ready') return;
    baseUrl = target.baseUrl;
    attacker = await serveAttackPage(baseUrl);
    browser = await launchChromium(target.chromiumPath);
  });

  afterAll(async () => {
    stream?.close();
    await browser?.close();
    await attacker?.close();
  });

  it('form posts and no-cors fetches from another origin change nothing', async () => {
    if (!browser || !attacker) return;
    // A producing machine without alarm: estop, stop and reset would each show at once.
    const before = await machine(baseUrl);
    if (before.state === 'STOPPED') {
      expect((await fetch(`${baseUrl}/api/machine/start`, { method: 'POST' })).status).toBe(200);
    }
    expect(['E_STOP', 'ALARM']).not.toContain(before.state);
    const recorder = await recordStream(baseUrl);
    stream = recorder;
    await recorder.waitFor((message) => message.event === 'sample', 10_000);

    const page = await browser.context.newPage();
    await page.goto(attacker.url);
    expect(new URL(page.url()).origin).not.toBe(new URL(baseUrl).origin);
    const fetched = await page.evaluate(() => (window as unknown as { attack: () => Promise<string[]> }).attack());
    expect(fetched).toEqual(COMMANDS.map(() => 'opaque')); // sent and answered, unreadable
    await page.close();

    // A few cycles' worth of samples: any accepted command would have produced its event by now.
    const seen = recorder.messages.length;
    await recorder.waitFor((message) => message.event === 'sample' && recorder.messages.indexOf(message) > seen + 30, 20_000);
    expect(commandEvents(recorder.messages)).toEqual([]);
    const after = await machine(baseUrl);
    expect(['E_STOP', 'STOPPED', 'ALARM']).not.toContain(after.state);
  });

  it('a client that is not a browser still controls the machine (the check above can see a change)', async () => {
    if (!stream) return;
    const stop = await fetch(`${baseUrl}/api/machine/stop`, { method: 'POST' });
    expect(stop.status).toBe(200);
    await stream.waitFor((message) => commandEvents([message]).length > 0, 10_000);
    // Leave the machine producing for the next tests.
    expect((await fetch(`${baseUrl}/api/machine/start`, { method: 'POST' })).status).toBe(200);
    expect(await waitForState(baseUrl, (state) => state !== 'STOPPED', 10_000)).not.toBe('STOPPED');
  });
});
