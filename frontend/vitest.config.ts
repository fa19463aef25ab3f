import { defineConfig, mergeConfig } from 'vitest/config';
import { PlainSummaryReporter } from './tooling/plainSummaryReporter.ts';
import viteConfig from './vite.config.ts';

/** Unit tests only: components and library code in jsdom. Browser tests live in e2e/. */
export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'jsdom',
      include: ['src/**/*.test.{ts,tsx}'],
      setupFiles: ['./src/test/setup.ts'],
      restoreMocks: true,
      unstubGlobals: true,
      reporters: ['default', new PlainSummaryReporter('vitest')],
    },
  }),
);
