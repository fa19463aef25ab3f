import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { jsonResponse, stubFetch } from '../../test/fetchMock';
import { ConnectionStatus } from './ConnectionStatus';

function renderConnectionStatus() {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <ConnectionStatus />
    </QueryClientProvider>,
  );
}

const healthyEmbedded = {
  status: 'ok',
  detail: 'ok',
  reasons: [],
  database: 'embedded',
  postgres_version: '18.1',
  version: '0.1.0',
  engine_version: '1',
  event_loop: { lag_ms: 0.4 },
};

const writesFailing =
  'live run writes failing for 12 s (DBAPIError: connection is closed); samples queued, retrying';

const degradedEmbedded = {
  ...healthyEmbedded,
  status: 'degraded',
  detail: writesFailing,
  reasons: [writesFailing],
};

describe('ConnectionStatus', () => {
  it('shows "Connecting…" while the first health check is under way', () => {
    stubFetch(() => new Promise<Response>(() => undefined));

    renderConnectionStatus();

    const badge = screen.getByTestId('connection-status');
    expect(badge).toHaveTextContent('Connecting…');
    expect(badge).toHaveAttribute('data-state', 'connecting');
  });

  it('shows "Connected" with the database and version once the server answers', async () => {
    const fetchMock = stubFetch(() => Promise.resolve(jsonResponse(healthyEmbedded)));

    renderConnectionStatus();

    const badge = await screen.findByText('Connected');
    expect(badge).toHaveAttribute('data-state', 'connected');
    expect(screen.getByTestId('connection-details')).toHaveTextContent(
      'PostgreSQL 18.1 (embedded) · v0.1.0',
    );
    expect(fetchMock).toHaveBeenCalledWith('/api/health', expect.anything());
  });

  it('shows "Degraded" with the server\'s reason when the health check answers 503 degraded', async () => {
    stubFetch(() => Promise.resolve(jsonResponse(degradedEmbedded, 503)));

    renderConnectionStatus();

    const badge = await screen.findByText('Degraded');
    expect(badge).toHaveAttribute('data-state', 'degraded');
    expect(screen.getByTestId('connection-details')).toHaveTextContent(writesFailing);
    expect(screen.getByTestId('connection-details')).toHaveAttribute('title', writesFailing);
  });

  it('shows "Degraded" when the database did not answer (no PostgreSQL version)', async () => {
    const unreachable = 'database unreachable: OSError';
    stubFetch(() =>
      Promise.resolve(
        jsonResponse(
          { ...degradedEmbedded, postgres_version: null, detail: unreachable, reasons: [unreachable] },
          503,
        ),
      ),
    );

    renderConnectionStatus();

    expect(await screen.findByText('Degraded')).toHaveAttribute('data-state', 'degraded');
    expect(screen.getByTestId('connection-details')).toHaveTextContent(unreachable);
  });

  it('recovers from "Degraded" to "Connected" on the next (fast) poll', async () => {
    let calls = 0;
    stubFetch(() => {
      calls += 1;
      return Promise.resolve(calls === 1 ? jsonResponse(degradedEmbedded, 503) : jsonResponse(healthyEmbedded));
    });

    renderConnectionStatus();

    expect(await screen.findByText('Degraded')).toBeInTheDocument();
    expect(await screen.findByText('Connected', {}, { timeout: 4_000 })).toBeInTheDocument();
  });

  it('shows "Disconnected" for a 503 whose body is not a degraded health report', async () => {
    stubFetch(() => Promise.resolve(jsonResponse({ ...healthyEmbedded, status: 'ok' }, 503)));

    renderConnectionStatus();

    expect(await screen.findByText('Disconnected')).toHaveAttribute('data-state', 'disconnected');
  });

  it('shows "Disconnected" with the detail of an error response', async () => {
    stubFetch(() =>
      Promise.resolve(jsonResponse({ detail: 'Database unavailable: connection refused' }, 503)),
    );

    renderConnectionStatus();

    const badge = await screen.findByText('Disconnected');
    expect(badge).toHaveAttribute('data-state', 'disconnected');
    expect(screen.getByTestId('connection-details')).toHaveTextContent(
      'Database unavailable: connection refused (HTTP 503) · retrying every 2 s',
    );
  });

  it('shows "Disconnected" when the server cannot be reached', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));

    renderConnectionStatus();

    expect(await screen.findByText('Disconnected')).toBeInTheDocument();
    expect(screen.getByTestId('connection-details')).toHaveTextContent(
      'Cannot reach the server (Failed to fetch)',
    );
  });

  it('recovers to "Connected" on the next poll after a failure', async () => {
    let calls = 0;
    stubFetch(() => {
      calls += 1;
      return calls === 1
        ? Promise.reject(new TypeError('Failed to fetch'))
        : Promise.resolve(jsonResponse(healthyEmbedded));
    });

    renderConnectionStatus();

    expect(await screen.findByText('Disconnected')).toBeInTheDocument();
    expect(await screen.findByText('Connected', {}, { timeout: 4_000 })).toBeInTheDocument();
  });
});
