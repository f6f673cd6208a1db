import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Studio component tests choose jsdom per file with a `// @vitest-environment jsdom` docblock.
    include: [
      'shared/**/*.test.ts',
      'functions/**/*.test.ts',
      'cli/**/*.test.ts',
      'sdk/**/*.test.ts',
      'tests/**/*.test.ts',
      'bench/**/*.test.ts',
      'studio/src/**/*.test.{ts,tsx}',
    ],
    exclude: ['**/node_modules/**', 'dist/**', 'studio/dist/**'],
    environment: 'node',
    pool: 'forks',
    // Two cores here: two test files at a time keeps real-server tests from starving each other.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
  },
});
