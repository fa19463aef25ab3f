import { useState, type ReactNode } from 'react';
import { useLiveData, useLiveMachine } from '../../lib/stream/react';
import { NO_LIVE_MACHINE_TEXT } from '../../lib/ui';
import { LiveTrends } from './LiveTrends';
import { TrendsMessage } from './TrendsMessage';
import { TRENDS_TEXT } from './trendsText';
import { DEFAULT_WINDOW_SECONDS, type TimeWindowSeconds } from './timeWindows';
import { WindowSelector } from './WindowSelector';
import './trends.css';

/** Live trends: grouped uPlot charts of the stream, a window selector, and the empty and error states. */
export function TrendsPanel() {
  const liveData = useLiveData();
  const liveMachine = useLiveMachine();
  const [windowSeconds, setWindowSeconds] = useState<TimeWindowSeconds>(DEFAULT_WINDOW_SECONDS);
  const charting = liveData.status === 'ready' && liveMachine !== false;

  let body: ReactNode;
  switch (liveData.status) {
    case 'loading':
      body = <TrendsMessage kind="loading">{TRENDS_TEXT.loading}</TrendsMessage>;
      break;
    case 'unavailable':
      body = <TrendsMessage kind="unavailable">{TRENDS_TEXT.unavailable}</TrendsMessage>;
      break;
    case 'error':
      body = <TrendsMessage kind="error">Live data failed: {liveData.message}</TrendsMessage>;
      break;
    case 'ready':
      body = !charting ? (
        <TrendsMessage kind="unavailable">{NO_LIVE_MACHINE_TEXT}</TrendsMessage>
      ) : (
        <LiveTrends catalogue={liveData.catalogue} stream={liveData.stream} windowSeconds={windowSeconds} />
      );
      break;
  }

  return (
    <section
      className="panel panel--trends trends"
      data-testid="panel-trends"
      data-live={liveData.status}
      data-live-machine={liveMachine === null ? 'unknown' : String(liveMachine)}
      aria-label="Live trends"
    >
      <header className="trends__header">
        <h2 className="panel__title">Live trends</h2>
        <WindowSelector value={windowSeconds} onChange={setWindowSeconds} disabled={!charting} />
      </header>
      {body}
    </section>
  );
}
