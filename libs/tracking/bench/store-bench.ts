// Throughput and latency of the tracking store at dashboard scale (not a test; numbers for the
// README). 10k runs, 1M metric points, one 1M-point series.
//   node --import tsx libs/tracking/bench/store-bench.ts [points=1000000]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/open-store.js';

const N = Number(process.argv[2] ?? 1_000_000);
const METHODS = ['bicyclegan', 'cvae_gan', 'clr_gan'];
const dir = mkdtempSync(join(tmpdir(), 'wb-bench-'));
const path = join(dir, 'workbench.db');
const store = openStore(path);
const time = <T>(label: string, fn: () => T): T => {
  const t0 = performance.now();
  const out = fn();
  console.log(`${label.padEnd(58)} ${(performance.now() - t0).toFixed(1).padStart(9)} ms`);
  return out;
};

try {
  const big = store.createRun({ id: 'big', method: 'bicyclegan', config: { seed: 0, model: { nz: 8 } } });
  const w = store.metricWriter(big.id, { flushEvery: 1000, flushMs: 0 });
  time(`write ${N} points to one series (MetricWriter, 1000/txn)`, () => {
    for (let s = 0; s < N; s++) w.point('G_L1', s, Math.exp(-s / (N / 5)) + 0.05 * Math.sin(s));
    void w.flush();
  });
  time('metricSeries 1M points -> 1000 (min/max buckets)', () => store.metricSeries(big.id, 'G_L1', { maxPoints: 1000 }));
  time('metricSeries zoomed 10% range -> 1000', () => store.metricSeries(big.id, 'G_L1', { maxPoints: 1000, stepMin: N / 2, stepMax: N / 2 + N / 10 }));
  time('metricSummaries (last/min/max) of the 1M series', () => store.metricSummaries([big.id]));

  const runs = 10_000;
  time(`create ${runs} runs with 3 keys x 10 points each`, () => {
    store.write(() => {
      for (let i = 0; i < runs; i++) {
        const r = store.createRun({
          method: METHODS[i % METHODS.length] ?? 'bicyclegan',
          name: `run-${i}`,
          config: { seed: i % 3, model: { nz: [2, 8, 16][i % 3 === 0 ? 1 : (i >> 2) % 3], ngf: 64 }, loss: { lambda_kl: 0.01 } },
          tags: i % 10 === 0 ? ['paper'] : [],
        });
        const pts = [];
        for (let s = 0; s < 10; s++) for (const key of ['G_GAN', 'G_L1', 'D']) pts.push({ key, step: s * 100, value: Math.random() });
        store.logMetrics(r.id, pts);
        store.finishRun(r.id, 'finished');
      }
    });
  });
  time('listRuns page 1 of 10k (limit 50, newest)', () => store.listRuns({ limit: 50 }));
  time('listRuns config filter model.nz=16, limit 50', () => store.listRuns({ config: { 'model.nz': 16 }, limit: 50 }));
  time('listRuns text search "run-99", limit 50', () => store.listRuns({ text: 'run-99', limit: 50 }));
  time('listRuns sort by last G_L1, limit 50', () => store.listRuns({ sort: { metric: 'G_L1' }, order: 'asc', limit: 50 }));
  const page = store.listRuns({ limit: 50 }).runs.map((r) => r.id);
  time('metricSummaries of a 50-run page (all keys)', () => store.metricSummaries(page));
  time('groupRuns over 10k runs, 2 metrics', () => store.groupRuns({}, [{ key: 'G_L1' }, { key: 'D', agg: 'min' }]));
  console.log(`database size: ${(statSync(path).size / 1e6).toFixed(1)} MB (+ WAL)`);
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
