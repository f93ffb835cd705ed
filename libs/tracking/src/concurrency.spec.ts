// Several PROCESSES writing one database at once (parallel sweep jobs): no row lost, no crash.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.js';
import { openStore } from './open-store.js';
import { storeDatabase } from '../test/testing.js';

const libDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
const writerScript = join(libDir, 'test', 'concurrent-writer.ts');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function runWriter(db: string, label: string, points: number, flushEvery: number, writers = 3): Promise<string> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writerScript, db, label, String(points), String(flushEvery), String(writers)], {
      cwd: libDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', rej);
    child.on('close', (code) => (code === 0 ? res(out) : rej(new Error(`writer ${label} exited ${code}: ${err}`))));
  });
}

describe('concurrent writer processes', () => {
  it('two processes on one fresh file each write thousands of points: 0 lost rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-conc-'));
    dirs.push(dir);
    const db = join(dir, 'workbench.db');
    const points = 6000;
    // Small batches (30 points per transaction) so the writers really fight for the lock; both
    // also race to create and migrate the fresh file.
    const outs = await Promise.all([runWriter(db, 'a', points, 30), runWriter(db, 'b', points, 30), runWriter(db, 'c', 3000, 7)]);
    expect(outs.map((o) => JSON.parse(o).label).sort()).toEqual(['a', 'b', 'c']);

    const store = openStore(db);
    const count = storeDatabase(store).prepare('SELECT run_id, count(*) AS n FROM metrics GROUP BY run_id ORDER BY run_id').all();
    expect(count).toEqual([
      { run_id: 'run-a', n: points },
      { run_id: 'run-b', n: points },
      { run_id: 'run-c', n: 3000 },
    ]);
    // Gap-free series per key.
    for (const run of ['run-a', 'run-b']) {
      const s = store.metricSeries(run, 'G_L1', { maxPoints: 10_000 });
      expect(s.points.map((p) => p.step)).toEqual(Array.from({ length: points / 3 }, (_, i) => i));
    }
    expect(store.listRuns({ status: 'finished' }).total).toBe(3);
    expect(store.listArtifacts('run-a', { kind: 'train_grid' })).toHaveLength(20);
    expect(storeDatabase(store).prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    // The write phases overlapped (the barrier guarantees it; check it really happened).
    const span = storeDatabase(store)
      .prepare('SELECT run_id, min(wall_time) AS t0, max(wall_time) AS t1 FROM metrics GROUP BY run_id ORDER BY run_id')
      .all() as { t0: number; t1: number }[];
    const [a, b] = span;
    if (!a || !b) throw new Error(`two writers expected, got ${span.length}`);
    expect(b.t0).toBeLessThan(a.t1);
    expect(a.t0).toBeLessThan(b.t1);
    store.close();
  });
});
