// What the compare view needs: seed bands, config diffs, varying config keys, change polling.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleConfig, tempStore, type TempStore } from '../test/temp-store.js';
import { configDiff, flattenConfig } from './config-diff.js';
import { openStore } from './open-store.js';

let t: TempStore;
beforeEach(() => (t = tempStore()));
afterEach(() => t.cleanup());

describe('groupSeries', () => {
  it('gives mean ± std over runs per step, aligned on the logged steps', () => {
    const ids = [0, 1, 2].map((seed) => {
      const r = t.store.createRun({ method: 'm', config: sampleConfig({ seed }) });
      // run k logs 10 + k at every 10th step (seed 2 stops early)
      const last = seed === 2 ? 500 : 1000;
      t.store.logMetrics(r.id, Array.from({ length: last / 10 }, (_, i) => ({ key: 'G_L1', step: i * 10, value: 10 + seed })));
      return r.id;
    });
    const g = t.store.groupSeries(ids, 'G_L1', { maxPoints: 1000 });
    expect(g.points).toHaveLength(100);
    expect(g.points[0]).toEqual({ step: 0, mean: 11, std: 1, n: 3, min: 10, max: 12 });
    const late = g.points.find((p) => p.step === 900)!;
    expect(late).toMatchObject({ mean: 10.5, n: 2, min: 10, max: 11 });
    expect(late.std).toBeCloseTo(Math.SQRT1_2, 12);
    // Downsampled: ≤ maxPoints buckets, still the right mean.
    const small = t.store.groupSeries(ids, 'G_L1', { maxPoints: 20 });
    expect(small.points.length).toBeLessThanOrEqual(20);
    expect(small.points[0]?.mean).toBe(11);
    expect(t.store.groupSeries(ids, 'nope').points).toEqual([]);
  });

  it('uses rollups for very long series with the same answer', () => {
    const ids = [0, 1].map((seed) => {
      const r = t.store.createRun({ method: 'm', config: sampleConfig({ seed }) });
      const w = t.store.metricWriter(r.id, { flushEvery: 5000, flushMs: 0 });
      for (let s = 0; s < 120_000; s++) w.point('loss', s, seed === 0 ? 1 : 3);
      void w.flush();
      return r.id;
    });
    const g = t.store.groupSeries(ids, 'loss', { maxPoints: 100 });
    expect(g.points.length).toBeLessThanOrEqual(100);
    for (const p of g.points) expect([p.mean, p.std, p.n]).toEqual([2, Math.SQRT2, 2]);
  });
});

describe('config diff and keys', () => {
  it('flattens and lists only the keys that differ', () => {
    expect(flattenConfig({ a: { b: 1, c: [1, 2] }, d: 'x' })).toEqual({ 'a.b': 1, 'a.c': [1, 2], d: 'x' });
    const diff = configDiff([
      sampleConfig({ seed: 0, 'model.nz': 8 }),
      sampleConfig({ seed: 1, 'model.nz': 8, 'model.extra': true }),
      sampleConfig({ seed: 2, 'model.nz': 16 }),
    ]);
    expect(diff).toEqual([
      { key: 'model.extra', values: [undefined, true, undefined] },
      { key: 'model.nz', values: [8, 8, 16] },
      { key: 'seed', values: [0, 1, 2] },
    ]);
    expect(configDiff([sampleConfig({ seed: 0 }), sampleConfig({ seed: 1 })], { ignore: ['seed'] })).toEqual([]);
  });

  it('configKeys reports distinct values per key over the matching runs', () => {
    t.store.createSweep({ id: 's' });
    for (const [seed, nz] of [[0, 8], [1, 8], [2, 16]]) {
      t.store.createRun({ method: 'm', config: sampleConfig({ seed, 'model.nz': nz, 'odd-key': { 'x.y': 1 } }), sweepId: 's' });
    }
    t.store.createRun({ method: 'm', config: { other: 1 } });
    const keys = new Map(t.store.configKeys({ sweepId: 's' }).map((k) => [k.key, k]));
    expect(keys.get('model.nz')).toEqual({ key: 'model.nz', distinct: 2, runs: 3 });
    expect(keys.get('seed')!.distinct).toBe(3);
    expect(keys.get('model.use_dropout')).toEqual({ key: 'model.use_dropout', distinct: 1, runs: 3 });
    expect(keys.has('other')).toBe(false);
    expect([...keys.keys()].some((k) => k.startsWith('odd-key'))).toBe(true);
    expect(t.store.configKeys().find((k) => k.key === 'other')).toEqual({ key: 'other', distinct: 1, runs: 1 });
  });
});

describe('changeToken', () => {
  it('changes when this or another connection writes, not on reads', () => {
    const other = openStore(t.path);
    const t0 = t.store.changeToken();
    t.store.listRuns();
    expect(t.store.changeToken()).toBe(t0);
    const r = other.createRun({ method: 'm', config: {} });
    const t1 = t.store.changeToken();
    expect(t1).not.toBe(t0);
    t.store.heartbeat(r.id);
    expect(t.store.changeToken()).not.toBe(t1);
    other.close();
  });
});
