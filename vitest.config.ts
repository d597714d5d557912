import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` (beside the code, fast, no processes), `e2e`
 * (browser shell in Debian's Chromium, simulators, real processes) and
 * `electron` (runs only where Electron's binary exists; says so otherwise).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['app/**/*.test.ts', 'drivers/**/*.test.ts', 'device-simulators/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.ts', 'renderer/**/*.test.tsx', 'test/platform/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/devices/**/*.test.ts', 'test/agency/**/*.test.ts', 'test/outbox/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'electron',
          include: ['test/electron/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
