import { createLiveStream, type LiveStream } from '../liveStream';
import { performanceProbe, perfRequested } from '../perfProbe';
import { signalNames, type SignalCatalogue } from '../signals';

/** The dashboard's stream: `/api/stream`, timed for the performance harness when the page has `?perf=1`. */
export function createDashboardStream(catalogue: SignalCatalogue): LiveStream {
  return createLiveStream({
    signals: signalNames(catalogue),
    perf: perfRequested(window.location.search) ? performanceProbe() : null,
  });
}
