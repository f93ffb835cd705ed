// The JSON behind the sweep and comparison views (real server, real SQLite file): hyperparameter
// points, grouping by chosen keys with 95 % intervals, eval names shared with the paper tables,
// and the runs CSV (seed once, carriage returns quoted).
import { meanInterval } from '@workbench/metrics/stats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/api-client.js';
import { startTestDashboard, type TestDashboard } from './support/test-server.js';
import { defined } from './support/defined.ts';

let t: TestDashboard;
const { get, json } = apiClient(() => t.url);

beforeAll(async () => {
  t = await startTestDashboard();
});
afterAll(async () => {
  await t?.cleanup();
});

describe('hyperparameters vs metrics', () => {
  it('returns the swept keys, eval results named as in the tables, and last metric values per run', async () => {
    const d = await json('/api/hparams?sweep=sweep-quick');
    expect(d.total).toBe(4);
    const ids = d.columns.map((c: { id: string }) => c.id);
    // method and seed vary in the sweep; name is bookkeeping and never an axis.
    expect(ids.filter((id: string) => id.startsWith('config:'))).toEqual(['config:method', 'config:seed']);
    expect(d.columns.find((c: { id: string }) => c.id === 'config:method')).toMatchObject({ numeric: false, values: ['bicyclegan', 'cvae_gan'] });
    expect(d.columns.find((c: { id: string }) => c.id === 'eval:mode_coverage')).toMatchObject({ label: 'mode coverage', better: 'higher', numeric: true });
    const s0 = d.points.find((p: { id: string }) => p.id === 'run-bicyclegan-s0');
    expect(s0.values['eval:diversity_lpips_v0.0']).toBeCloseTo(0.112, 9);
    expect(s0.values['metric:loss_D']).toBe(t.seeded.store.metricValue('run-bicyclegan-s0', 'loss_D'));
    expect((await get(`/api/hparams?limit=0`)).status).toBe(400);
  });

  it('names eval results in the runs table and on the compare page exactly as the paper tables do', async () => {
    const tables = await json('/api/sweeps/sweep-quick/tables');
    const tableLabels = new Map<string, string>(tables.tables.flatMap((tb: { columns: Array<{ key: string; label: string }> }) => tb.columns.map((c) => [c.key, c.label])));
    const runs = await json('/api/runs?sweep=sweep-quick');
    const compare = await json('/api/compare?ids=run-bicyclegan-s0,run-cvae_gan-s0');
    expect(runs.columns.evals).toEqual(['diversity_lpips_v0.0', 'mode_coverage', 'reconstruction_l1']);
    for (const [key, label] of Object.entries(runs.columns.labels as Record<string, string>)) if (tableLabels.has(key)) expect(label, key).toBe(tableLabels.get(key));
    for (const e of compare.evals as Array<{ key: string; label: string }>) if (tableLabels.has(e.key)) expect(e.label, e.key).toBe(tableLabels.get(e.key));
    expect(compare.evals.some((e: { key: string }) => tableLabels.has(e.key))).toBe(true);
  });
});

describe('group by any keys', () => {
  it('averages over every other key with mean, 95 % CI and n', async () => {
    const d = await json('/api/runs/groups?by=method');
    expect(d.items.map((g: { groupKey: string }) => g.groupKey).sort()).toEqual(['method=bicyclegan', 'method=clr_gan', 'method=cvae_gan', 'method=pix2pix_noise']);
    const bic = d.items.find((g: { groupKey: string }) => g.groupKey === 'method=bicyclegan');
    expect(bic.n).toBe(4); // two sweep seeds, the live nz=16 run and the nz=4 run
    expect(bic.configFilter).toBe('method=bicyclegan');
    expect(d.columns.config).toEqual(['method']);
    const expected = meanInterval([0.112, 0.116]);
    expect(bic.evals['diversity_lpips_v0.0']).toMatchObject({ n: 2 });
    expect(bic.evals['diversity_lpips_v0.0'].lo).toBeCloseTo(expected.lo, 9);
    expect(bic.evals['diversity_lpips_v0.0'].hi).toBeCloseTo(expected.hi, 9);
    // Two keys; a group of one run has no interval.
    const two = await json('/api/runs/groups?by=method,model.nz');
    const pair = two.items.find((g: { groupKey: string }) => g.groupKey === 'method=bicyclegan · model.nz=8');
    expect(pair.n).toBe(2);
    const single = two.items.find((g: { groupKey: string }) => g.groupKey === 'method=bicyclegan · model.nz=16');
    expect(single.metrics.loss_D).toMatchObject({ n: 1, lo: null, hi: null });
    // The filter a group hands out lists exactly its runs.
    const listed = await json(`/api/runs?config=${encodeURIComponent(pair.configFilter)}`);
    expect(listed.items.map((r: { id: string }) => r.id).sort()).toEqual(['run-bicyclegan-s0', 'run-bicyclegan-s1']);
    expect((await get(`/api/runs/groups?by=model.nz;DROP`)).status).toBe(400);
  });
});

describe('runs CSV', () => {
  it('has seed once and quotes a carriage return', async () => {
    t.seeded.store.renameRun('run-failed', 'line\rbreak');
    const text = await (await get(`/api/runs?ids=run-failed,run-bicyclegan-s0&format=csv&cols=seed,model.nz`)).text();
    const head = defined(text.split('\n')[0], 'CSV header').split(',');
    expect(head.filter((h) => h === 'seed')).toHaveLength(1);
    expect(text).toContain('"line\rbreak"');
  });
});
