// Tests live next to the code (`*.test.ts`). Server and browser tests start real processes,
// so files run in separate forks and the timeouts are generous.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{contract,processing,server,client,sample-tiles,bench,scripts}/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
