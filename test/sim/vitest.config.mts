import { defineConfig } from 'vitest/config';

// The simulator's tests need neither Temporal nor PostgreSQL: `npx vitest run --config
// test/sim/vitest.config.mts` runs them without the repository's global setup.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/sim/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
