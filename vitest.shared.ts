// The one vitest configuration every project uses (its vitest.config.ts re-exports this).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    // Real training steps, child processes, Slurm jobs and a browser run inside tests: minutes, not ms.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One process per test file: each holds its own tfjs backend (wasm heap, registered kernels)
    // and native modules (better-sqlite3, sharp), which worker threads would share.
    pool: 'forks',
  },
});
