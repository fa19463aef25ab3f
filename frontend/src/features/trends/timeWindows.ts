/** The chart windows an operator can pick, in simulated time. */
export const TIME_WINDOWS = [
  { seconds: 60, label: '1 min' },
  { seconds: 600, label: '10 min' },
  { seconds: 3600, label: '1 h' },
] as const;

export type TimeWindowSeconds = (typeof TIME_WINDOWS)[number]['seconds'];

export const DEFAULT_WINDOW_SECONDS: TimeWindowSeconds = 600;
