// The one vitest configuration every project uses (its vitest.config.ts re-exports this).
import { availableParallelism, tmpdir } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    // Real training steps, child processes, Slurm jobs and a browser run inside tests: minutes, not
    // ms. The timeout detects a hang; it is not a speed check (speed targets live in tools/bench).
    // On a shared 2-core machine at load 15 an end-to-end CLI test ran 2.5x its 40-80 s (74 s in a
    // fresh-clone run at load 4, over 120 s at load 17), so the limit leaves room for that.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // One process per test file: each holds its own tfjs backend (wasm heap, registered kernels)
    // and native modules (better-sqlite3, sharp), which worker threads would share.
    pool: 'forks',
    // Tests (and the CLIs they start) look for a project no higher than their temp folders: a
    // workbench.db someone left in /tmp must not become the project of every test's temp folder.
    env: { WORKBENCH_CEILING_DIRS: tmpdir() },
    // Vitest's default is one worker less than the cores: one worker on a 2-core machine, which left
    // a core idle while a file trained on wasm (single-threaded) or waited on a child process.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
