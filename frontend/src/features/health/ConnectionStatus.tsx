import { describeHealth, HEALTH_POLL_DISCONNECTED_MS } from './healthApi';
import { useConnection, type Connection } from './useHealth';

const BADGE_LABEL: Record<Connection['state'], string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  degraded: 'Degraded',
  disconnected: 'Disconnected',
};

function connectionDetails(connection: Connection): string {
  switch (connection.state) {
    case 'connecting':
      return 'Checking the simulator server…';
    case 'connected':
      return describeHealth(connection.health);
    case 'degraded':
      return connection.health.detail;
    case 'disconnected':
      return `${connection.reason} · retrying every ${String(HEALTH_POLL_DISCONNECTED_MS / 1000)} s`;
  }
}

/** Header indicator: a coloured badge for the state and one line of details beside it. */
export function ConnectionStatus() {
  const connection = useConnection();
  const details = connectionDetails(connection);
  return (
    <div className="connection" data-state={connection.state} role="status" aria-live="polite">
      <span className="connection__badge" data-testid="connection-status" data-state={connection.state}>
        <span className="connection__lamp" aria-hidden="true" />
        {BADGE_LABEL[connection.state]}
      </span>
      {/* The line may be cut off with an ellipsis; the tooltip holds all of it. */}
      <span className="connection__details" data-testid="connection-details" title={details}>
        {details}
      </span>
    </div>
  );
}
