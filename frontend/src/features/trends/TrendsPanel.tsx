import { useState, type ReactNode } from 'react';
import { useLiveData } from '../../lib/stream/react';
import { LiveTrends } from './LiveTrends';
import { TrendsMessage } from './TrendsMessage';
import { TRENDS_TEXT } from './trendsText';
import { DEFAULT_WINDOW_SECONDS, type TimeWindowSeconds } from './timeWindows';
import { WindowSelector } from './WindowSelector';
import './trends.css';

/** Live trends: grouped uPlot charts of the stream, a window selector, and the empty and error states. */
export function TrendsPanel() {
  const liveData = useLiveData();
  const [windowSeconds, setWindowSeconds] = useState<TimeWindowSeconds>(DEFAULT_WINDOW_SECONDS);

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
      body = <LiveTrends catalogue={liveData.catalogue} stream={liveData.stream} windowSeconds={windowSeconds} />;
      break;
  }

  return (
    <section
      className="panel panel--trends trends"
      data-testid="panel-trends"
      data-live={liveData.status}
      aria-label="Live trends"
    >
      <header className="trends__header">
        <h2 className="panel__title">Live trends</h2>
        <WindowSelector value={windowSeconds} onChange={setWindowSeconds} disabled={liveData.status !== 'ready'} />
      </header>
      {body}
    </section>
  );
}
