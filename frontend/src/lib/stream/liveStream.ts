/** One live stream, wired: the SSE client feeds the sample store; the status summarises both. */
import { createEmitter, type Emitter } from './emitter';
import type { FrameScheduler } from './frameBatcher';
import type { JobView } from './jobView';
import { sampleDecoder, type MachineEvent } from './liveMessages';
import { LiveStatus } from './liveStatus';
import type { PerfProbe } from './perfProbe';
import { SampleStore } from './sampleStore';
import { StreamClient, type EventSourceFactory } from './streamClient';

export interface LiveStreamOptions {
  /** Signal names from the catalogue (`GET /api/signals`). */
  signals: readonly string[];
  url?: string;
  capacity?: number;
  perf?: PerfProbe | null;
  scheduler?: FrameScheduler;
  createEventSource?: EventSourceFactory;
  probeStatus?: (url: string) => Promise<number>;
  statusIntervalMs?: number;
}

export interface LiveStream {
  store: SampleStore;
  client: StreamClient;
  status: LiveStatus;
  machineEvents: Emitter<MachineEvent>;
  /** Every `job` message: the job's whole view, its final status included. */
  jobs: Emitter<JobView>;
  /** The timing probe of `?perf=1` (null otherwise): work deferred from the store's notification measures itself with it. */
  perf: PerfProbe | null;
  /** Connects (again, after `stop`). */
  start(): void;
  /** Disconnects; the held samples stay. */
  stop(): void;
}

export function createLiveStream(options: LiveStreamOptions): LiveStream {
  const store = new SampleStore({
    signals: options.signals,
    ...(options.capacity !== undefined ? { capacity: options.capacity } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    perf: options.perf ?? null,
  });
  const machineEvents = createEmitter<MachineEvent>();
  const jobs = createEmitter<JobView>();
  let status: LiveStatus | null = null;
  const client = new StreamClient({
    ...(options.url !== undefined ? { url: options.url } : {}),
    ...(options.createEventSource ? { createEventSource: options.createEventSource } : {}),
    ...(options.probeStatus ? { probeStatus: options.probeStatus } : {}),
    decodeSample: sampleDecoder(options.signals),
    handlers: {
      onHello: (hello) => {
        // No live run on this server: samples held from an earlier one are not this server's.
        if (hello.run_id === null) {
          if (store.runId !== null) store.reset();
        }
        else store.startRun(hello.run_id, hello.start_sim ?? undefined);
      },
      onSample: (sample) => { store.append(sample); },
      onEvent: (event) => { machineEvents.emit(event); },
      onJob: (job) => { jobs.emit(job); },
      onInvalidMessage: () => { status?.noteInvalidMessage(); },
    },
  });
  status = new LiveStatus(store, client, options.statusIntervalMs);
  const liveStatus = status;
  return {
    store,
    client,
    status: liveStatus,
    machineEvents,
    jobs,
    perf: options.perf ?? null,
    start: () => {
      liveStatus.start();
      client.start();
    },
    stop: () => {
      client.stop();
      liveStatus.stop();
    },
  };
}
