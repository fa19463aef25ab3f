/** What the panel says when it has no chart to show. */
export const TRENDS_TEXT = {
  loading: 'Loading live data…',
  waiting: 'Waiting for live data…',
  unavailable: 'Live data is not available on this server.',
} as const;
