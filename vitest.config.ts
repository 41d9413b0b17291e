import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Each file starts its own loopback servers; two cores, so keep the fan-out modest.
    maxWorkers: 2,
  },
});
