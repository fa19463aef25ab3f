/** The live stream outside React: store, SSE client, messages. React bindings are in ./react. */
export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export { FrameBatcher, animationFrameScheduler, type FrameScheduler } from './frameBatcher';
export {
  decodeJobRecord,
  decodeJobView,
  isActiveJob,
  JOB_STATUSES,
  newerJobView,
  type JobStatus,
  type JobView,
} from './jobView';
export {
  sampleDecoder,
  decodeMachineEvent,
  decodeStreamHello,
  type LiveSample,
  type MachineEvent,
  type RunId,
  type StreamHello,
} from './liveMessages';
export { LIVE_STATUS_INTERVAL_MS, LiveStatus, type LiveStatusSnapshot } from './liveStatus';
export { createLiveStream, type LiveStream, type LiveStreamOptions } from './liveStream';
export { PERF_MEASURES, performanceProbe, perfRequested, type PerfProbe } from './perfProbe';
export {
  DEFAULT_CAPACITY,
  LONGEST_WINDOW_S,
  NOMINAL_SAMPLE_PERIOD_S,
  SampleStore,
  lowerBound,
  type AlignedSeries,
  type AppendOutcome,
  type MergeReport,
  type SeqGap,
  type StoreSnapshot,
} from './sampleStore';
export { decodeSignalCatalogue, signalNames, SIGNALS_PATH, type SignalCatalogue, type SignalInfo } from './signals';
export { simTimeOf, simTimeSeconds } from './simTime';
export {
  STREAM_PATH,
  StreamClient,
  resumeUrl,
  type ConnectionSnapshot,
  type ConnectionState,
  type EventSourceFactory,
  type EventSourceLike,
  type StreamHandlers,
} from './streamClient';
export { TELEMETRY_PATH, telemetryPageDecoder, telemetryPath, type TelemetryPage, type TelemetryQuery } from './telemetryPage';
