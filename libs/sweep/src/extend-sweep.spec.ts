// Extending a sweep with real processes and real SQLite: more seeds and more axis values reuse
// the finished jobs by their stable ids and run only the new ones; another experiment, other
// fixed overrides or another set of swept keys is refused (that would be a different sweep).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type TrackingStore } from '@workbench/tracking';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planExtension } from './extend-sweep.js';
import { LocalLauncher } from './local-launcher.js';
import { planSweep } from './plan-sweep.js';
import { extendSweep, runSweep } from './run-sweep.js';

const program = fileURLToPath(new URL('../test/fixtures/tracked-job.mjs', import.meta.url));
let dir: string;
let db: string;
let store: TrackingStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweep-extend-'));
  mkdirSync(join(dir, 'experiments'));
  writeFileSync(join(dir, 'experiments', 'grid.yaml'), '# @package _global_\nsweep:\n  params:\n    model.nz: [2, 8]\n');
  db = join(dir, 'wb.db');
  store = openStore(db);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const plan = (...overrides: string[]) => planSweep([...overrides, `tracking.db=${db}`, 'train.iters=5'], { experimentsDir: join(dir, 'experiments'), cwd: dir, env: {} });
const opts = () => ({ store, launcher: new LocalLauncher({ workers: 2 }), cwd: dir, trainCommand: [process.execPath, program] });

describe('extendSweep', () => {
  it('adds seeds, then axis values, running only the new jobs and keeping the finished runs', async () => {
    const first = await runSweep(plan('+experiment=grid', 'seed=0,1'), opts());
    expect(first.status).toBe('finished');
    const before = new Map(first.sweep.jobs.map((j) => [j.jobId, j.runId]));
    expect(before.size).toBe(4);

    const more = await extendSweep(first.sweepId, plan('+experiment=grid', 'seed=0,1,2'), opts());
    expect(more.extension.reused).toHaveLength(4);
    expect(more.ran.map((r) => r.index).sort()).toEqual([4, 5]); // nz {2,8} x seed 2, appended
    expect(more.status).toBe('finished');
    expect(more.sweep.jobs).toHaveLength(6);
    for (const [jobId, runId] of before) expect(more.sweep.jobs.find((j) => j.jobId === jobId)?.runId).toBe(runId);
    expect(more.sweep.grid).toEqual({ seed: [0, 1, 2], 'model.nz': [2, 8] });
    expect(store.listRuns({ sweepId: first.sweepId }).total).toBe(6);

    // Only the new value of an axis is enough: model.nz=32 for the three seeds.
    const wider = await extendSweep(first.sweepId, plan('+experiment=grid', 'seed=0,1,2', 'sweep.params={model.nz: [2, 8, 32]}'), opts()).catch((e: Error) => e);
    // sweep.params on the command line is a fixed override the sweep was not run with: refused.
    expect(wider).toBeInstanceOf(Error);
    expect((wider as Error).message).toMatch(/other fixed overrides \(new sweep.params=/);
    const nz = await extendSweep(first.sweepId, plan('+experiment=grid', 'seed=0,1,2', 'model.nz=2,8,32'), opts());
    expect(nz.ran).toHaveLength(3);
    expect(nz.extension.reused).toHaveLength(6);
    expect(nz.sweep.grid['model.nz']).toEqual([2, 8, 32]);
    expect(readFileSync(join(nz.sweepDir, 'sweep.yaml'), 'utf8').match(/- index:/g)).toHaveLength(9);

    // Extending with nothing new runs nothing.
    const again = await extendSweep(first.sweepId, plan('+experiment=grid', 'seed=0,1,2', 'model.nz=2,8,32'), opts());
    expect(again.ran).toEqual([]);
    expect(again.status).toBe('finished');
  });

  it('refuses another experiment or other swept keys, naming the difference', async () => {
    const first = await runSweep(plan('seed=0,1'), opts());
    const sweep = store.getSweep(first.sweepId)!;
    expect(() => planExtension(store, sweep, plan('seed=0,1', 'model.nz=2,8'), dir)).toThrow(
      `sweep ${first.sweepId} sweeps seed but these overrides sweep model.nz, seed: an extension varies the same keys (give more values of them), otherwise run a new sweep`,
    );
    expect(() => planExtension(store, sweep, plan('+experiment=grid', 'seed=0,1'), dir)).toThrow(/sweeps seed but these overrides sweep model.nz, seed/);
    expect(() => planExtension(store, sweep, plan('seed=0,1,2', 'train.lr=1e-3'), dir)).toThrow(/other fixed overrides \(new train.lr=0.001\)/);
    // A single new seed is still the seed axis.
    expect(planExtension(store, sweep, plan('seed=7'), dir).added.map((j) => j.axes)).toEqual([{ seed: 7 }]);
  });
});
