import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships ESM beside CJS without an exports map: Vite would pick index.mjs for our
    // code while yoga (external) gets index.js, and two GraphQLError classes break error
    // handling. Pin the one Node itself resolves.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Each file starts its own loopback servers; two cores, so keep the fan-out modest.
    maxWorkers: 2,
    // Test files of one worker share the modules they import (the gateway, the emulator, their
    // libraries): loading them again for every file cost more than all the tests together. No
    // test changes process-wide state (environment, globals, cwd); each starts its own servers.
    isolate: false,
  },
});
