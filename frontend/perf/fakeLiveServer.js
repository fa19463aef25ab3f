#!/usr/bin/env node
/**
 * A stand-in for the simulator's live endpoints, for trying the dashboard and the performance
 * harness before (or without) the real backend. It follows the contract the dashboard codes against:
 *
 *   GET /api/health, GET /api/signals, GET /api/telemetry?run_id=&since=&limit=,
 *   GET /api/stream (Server-Sent Events: hello, sample; resumes after Last-Event-ID or ?since=)
 *
 * and serves the built dashboard (dist/) for everything else. Values are smooth made-up curves, not
 * physics. Not used by any test; the real server is `induction-sim serve`.
 *
 *   node perf/fakeLiveServer.js [--port 8010] [--rate 10] [--history 3600] [--dropout 0.01]
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8010' },
    rate: { type: 'string', default: '10' }, // samples per wall-clock second (speed factor)
    history: { type: 'string', default: '3600' }, // samples already "in the database" at start
    dropout: { type: 'string', default: '0.01' }, // share of null values
    dist: { type: 'string', default: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist') },
  },
});

const RUN_ID = Math.floor(Date.now() / 1000) % 100_000;
const START_SIM_MS = Date.parse('2026-01-01T00:00:00Z');
const RATE = Number(args.rate);
const DROPOUT = Number(args.dropout);

/** [name, unit, base, amplitude, period in samples] */
const SIGNALS = [
  ['power_setpoint_kw', 'kW', 40, 0, 1],
  ['power_kw', 'kW', 38, 6, 45],
  ['frequency_hz', 'Hz', 10_000, 150, 90],
  ['coil_current_a', 'A', 900, 80, 45],
  ['coil_voltage_v', 'V', 420, 30, 60],
  ['power_factor', '1', 0.2, 0.02, 70],
  ['dc_bus_v', 'V', 540, 3, 30],
  ['inverter_temp_c', '°C', 45, 4, 600],
  ['energy_coil_kj', 'kJ', 600, 580, 90],
  ['surface_temp_c', '°C', 520, 380, 90],
  ['scan_position_mm', 'mm', 120, 120, 90],
  ['scan_speed_mm_s', 'mm/s', 8, 1, 90],
  ['spindle_rpm', 'rpm', 300, 5, 40],
  ['coil_water_flow_lpm', 'l/min', 30, 1.5, 120],
  ['coil_water_in_c', '°C', 22, 0.5, 900],
  ['coil_water_out_c', '°C', 31, 3, 90],
  ['quench_flow_lpm', 'l/min', 120, 8, 90],
  ['quench_pressure_bar', 'bar', 2.5, 0.3, 90],
  ['quench_temp_c', '°C', 28, 2, 1200],
  ['quench_concentration_pct', '%', 8, 0.2, 3000],
  ['ground_leakage_ma', 'mA', 1.2, 0.3, 300],
];

/** A repeatable pseudo-random number in [0, 1) for (seq, salt). */
function noise(seq, salt) {
  const x = Math.sin(seq * 12.9898 + salt * 78.233) * 43_758.5453;
  return x - Math.floor(x);
}

function timestampOf(seq) {
  return new Date(START_SIM_MS + seq * 1000).toISOString().replace('Z', '+00:00');
}

function sampleAt(seq) {
  const sample = {
    run_id: RUN_ID,
    seq,
    timestamp_sim: timestampOf(seq),
    machine_state: Math.floor(seq / 45) % 2 === 0 ? 'HEATING' : 'QUENCHING',
    part_id: Math.floor(seq / 90),
    alarm_code: null,
    fault_labels: [],
  };
  SIGNALS.forEach(([name, , base, amplitude, period], salt) => {
    const dropped = noise(seq, salt + 100) < DROPOUT;
    const value = base + amplitude * Math.sin((2 * Math.PI * seq) / period) + amplitude * 0.03 * (noise(seq, salt) - 0.5);
    sample[name] = dropped ? null : Math.round(value * 1000) / 1000;
  });
  return sample;
}

const startedAt = Date.now();
const HISTORY = Number(args.history);
/** The newest seq "written" so far. */
function newestSeq() {
  return HISTORY + Math.floor(((Date.now() - startedAt) / 1000) * RATE);
}

function sendJson(response, status, body) {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

function telemetry(url, response) {
  const runId = Number(url.searchParams.get('run_id'));
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 1000), 100_000);
  const since = url.searchParams.get('since');
  const firstAfterSince = since ? Math.floor((Date.parse(since) - START_SIM_MS) / 1000) + 1 : 0;
  const newest = newestSeq();
  const from = Math.max(0, firstAfterSince, newest - limit + 1); // the newest `limit` rows after `since`
  const rows = [];
  if (runId === RUN_ID) for (let seq = from; seq <= newest; seq += 1) rows.push(sampleAt(seq));
  const columns = {};
  for (const key of Object.keys(sampleAt(0))) if (key !== 'run_id') columns[key] = rows.map((row) => row[key]);
  sendJson(response, 200, { run_id: runId, columns });
}

function stream(request, url, response) {
  response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
  const lastEventId = request.headers['last-event-id'];
  const resumeFrom = lastEventId ? Number(String(lastEventId).split(':')[1]) : Number(url.searchParams.get('since') ?? Number.NaN);
  let sent = Number.isFinite(resumeFrom) ? resumeFrom : newestSeq() - 1;
  response.write(`event: hello\ndata: ${JSON.stringify({ run_id: RUN_ID, seq: newestSeq() })}\n\n`);
  const timer = setInterval(() => {
    const newest = newestSeq();
    for (; sent < newest; sent += 1) {
      const sample = sampleAt(sent + 1);
      response.write(`event: sample\nid: ${RUN_ID}:${sample.seq}\ndata: ${JSON.stringify(sample)}\n\n`);
    }
  }, Math.max(10, 1000 / RATE / 2));
  request.on('close', () => clearInterval(timer));
}

const CONTENT_TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

function serveStatic(url, response) {
  let file = path.join(args.dist, path.normalize(url.pathname).replace(/^([/\\])+/, ''));
  if (!file.startsWith(args.dist) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(args.dist, 'index.html');
  if (!existsSync(file)) return sendJson(response, 404, { detail: 'dist/ is not built: npm run build' });
  response.writeHead(200, { 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://fake');
  if (url.pathname === '/api/health') return sendJson(response, 200, { status: 'ok', database: 'embedded', postgres_version: '0', version: '0.0.0' });
  if (url.pathname === '/api/signals') return sendJson(response, 200, SIGNALS.map(([name, unit]) => ({ name, unit, description: name })));
  if (url.pathname === '/api/telemetry') return telemetry(url, response);
  if (url.pathname === '/api/stream') return stream(request, url, response);
  if (url.pathname.startsWith('/api/')) return sendJson(response, 404, { detail: 'Not Found' });
  return serveStatic(url, response);
});

server.listen(Number(args.port), args.host, () => {
  console.log(`fake live server: http://${args.host}:${args.port}/ (run ${RUN_ID}, ${RATE} samples/s, ${HISTORY} s of history)`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
