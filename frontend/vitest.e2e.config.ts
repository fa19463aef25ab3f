import { defineConfig } from 'vitest/config';
import { PlainSummaryReporter } from './tooling/plainSummaryReporter.ts';

/**
 * Browser tests against the real server: `npm run e2e`.
 * The global setup builds the dashboard if needed, starts `induction-sim serve` with a fresh data
 * directory (embedded PostgreSQL) and stops it afterwards. See README.md (End-to-end tests).
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['./e2e/globalSetup.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
    fileParallelism: false,
    reporters: ['default', new PlainSummaryReporter('e2e')],
  },
});
