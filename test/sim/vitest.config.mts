import { defineConfig } from 'vitest/config';

// The simulator's tests need neither Temporal nor PostgreSQL: `npx vitest run --config
// test/sim/vitest.config.mts` (from the repository root) runs them without the global setup.
export default defineConfig({
  test: {
    include: ['test/sim/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
