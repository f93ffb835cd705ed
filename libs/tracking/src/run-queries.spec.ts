import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleConfig, tempStore, type TempStore } from '../test/temp-store.js';
import { groupOverSeeds } from './run-groups.js';

let t: TempStore;
const ids: Record<string, string> = {};

// 3 methods x 2 nz x 3 seeds = 18 runs, created one second apart.
beforeAll(() => {
  t = tempStore();
  const base = Date.now() - 100_000;
  let i = 0;
  for (const method of ['bicyclegan', 'cvae_gan', 'clr_gan']) {
    for (const nz of [8, 16]) {
      for (const seed of [0, 1, 2]) {
        const r = t.store.createRun({
          method,
          name: `${method}-nz${nz}-s${seed}`,
          config: sampleConfig({ method, seed, 'model.nz': nz, 'model.use_dropout': nz === 8 }),
          tags: seed === 0 ? ['first-seed', 'paper'] : ['paper'],
          at: base + 1000 * i++,
        });
        ids[r.name] = r.id;
        // Final LPIPS-like metric: depends on method and nz, jittered by seed.
        const v = { bicyclegan: 0.1, cvae_gan: 0.2, clr_gan: 0.3 }[method]! + nz / 1000 + seed / 100;
        t.store.logMetrics(r.id, [
          { key: 'G_L1', step: 0, value: 1 },
          { key: 'G_L1', step: 100, value: v },
        ]);
        t.store.finishRun(r.id, seed === 2 && method === 'clr_gan' ? 'failed' : 'finished', null, base + 1000 * i);
      }
    }
  }
});
afterAll(() => t.cleanup());

describe('listRuns', () => {
  it('returns all runs newest first with a total', () => {
    const { runs, total } = t.store.listRuns();
    expect(total).toBe(18);
    expect(runs[0]?.name).toBe('clr_gan-nz16-s2');
    expect(runs[17]?.name).toBe('bicyclegan-nz8-s0');
  });

  it('paginates with a stable total', () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 18; offset += 5) {
      const page = t.store.listRuns({ limit: 5, offset, sort: 'name', order: 'asc' });
      expect(page.total).toBe(18);
      seen.push(...page.runs.map((r) => r.name));
    }
    expect(seen).toHaveLength(18);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(18);
  });

  it('filters by status, method and text', () => {
    expect(t.store.listRuns({ status: 'failed' }).runs.map((r) => r.name)).toEqual(['clr_gan-nz16-s2', 'clr_gan-nz8-s2']);
    expect(t.store.listRuns({ method: ['cvae_gan', 'clr_gan'] }).total).toBe(12);
    expect(t.store.listRuns({ text: 'NZ16-S1' }).runs.map((r) => r.name).sort()).toEqual(['bicyclegan-nz16-s1', 'clr_gan-nz16-s1', 'cvae_gan-nz16-s1']);
    expect(t.store.listRuns({ text: 'first-seed' }).total).toBe(6);
    expect(t.store.listRuns({ text: '%' }).total).toBe(0); // LIKE wildcards are literal
    expect(t.store.listRuns({ text: '","' }).total).toBe(0); // tags match by value, not by JSON text
    expect(t.store.listRuns({ tags: ['paper', 'first-seed'] }).total).toBe(6);
    expect(() => t.store.listRuns({ status: 'exploded' as never })).toThrow(/unknown run status 'exploded'/);
  });

  it('filters by any config key through json_extract', () => {
    expect(t.store.listRuns({ config: { 'model.nz': 16 } }).total).toBe(9);
    expect(t.store.listRuns({ config: { 'model.nz': 16, method: 'cvae_gan' } }).total).toBe(3);
    expect(t.store.listRuns({ config: { 'model.use_dropout': true } }).total).toBe(9);
    expect(t.store.listRuns({ config: { seed: { gte: 1 } } }).total).toBe(12);
    expect(t.store.listRuns({ config: { seed: { in: [0, 2] }, 'model.nz': { ne: 8 } } }).total).toBe(6);
    expect(t.store.listRuns({ config: { 'model.missing': null } }).total).toBe(18);
    expect(() => t.store.listRuns({ config: { 'model..nz': 1 } })).toThrow(/invalid config key 'model..nz'/);
    // Injection attempts are just strings that match nothing.
    expect(t.store.listRuns({ config: { "x') OR 1=1 --": 1 } }).total).toBe(0);
  });

  it('sorts by a config key and by a metric aggregate', () => {
    const byNz = t.store.listRuns({ sort: { config: 'model.nz' }, order: 'asc' }).runs;
    expect(byNz.slice(0, 9).every((r) => (r.config.model as { nz: number }).nz === 8)).toBe(true);
    const best = t.store.listRuns({ sort: { metric: 'G_L1', agg: 'last' }, order: 'asc', limit: 1 }).runs[0];
    expect(best?.name).toBe('bicyclegan-nz8-s0');
    const worst = t.store.listRuns({ sort: { metric: 'G_L1', agg: 'min' }, order: 'desc', limit: 1 }).runs[0];
    expect(worst?.name).toBe('clr_gan-nz16-s2');
  });

  it('filters by metric values (last by default, or min/max)', () => {
    // last G_L1 = method base + nz/1000 + seed/100; all runs have G_L1 max 1 (step 0)
    expect(t.store.listRuns({ metric: { G_L1: { lt: 0.2 } } }).total).toBe(6);
    // clr_gan: 0.308, 0.318, 0.328 (nz 8) and 0.316, 0.326, 0.336 (nz 16)
    expect(t.store.listRuns({ metric: { G_L1: { gte: 0.3, lte: 0.32 } } }).runs.map((r) => r.name).sort()).toEqual([
      'clr_gan-nz16-s0',
      'clr_gan-nz8-s0',
      'clr_gan-nz8-s1',
    ]);
    expect(t.store.listRuns({ metric: { G_L1: { agg: 'max', gt: 0.99 } } }).total).toBe(18);
    expect(t.store.listRuns({ metric: { nope: { lt: 100 } } }).total).toBe(0);
  });

  it('can skip parsing configs for large tables', () => {
    const [r] = t.store.listRuns({ limit: 1, includeConfig: false }).runs;
    if (!r) throw new Error('no runs listed');
    expect(r.config).toEqual({});
    expect(r.configHash).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('groupRuns', () => {
  it('groups by config ignoring the seed with mean ± std (n)', () => {
    const groups = t.store.groupRuns({}, [{ key: 'G_L1' }, { key: 'G_L1', agg: 'max' }]);
    expect(groups).toHaveLength(6);
    const g = groups.find((x) => x.method === 'cvae_gan' && (x.config.model as { nz: number }).nz === 8)!;
    expect(g.n).toBe(3);
    expect(g.seeds.sort()).toEqual([0, 1, 2]);
    // values 0.208, 0.218, 0.228: mean 0.218, sample std 0.01
    expect(g.metrics.G_L1?.mean).toBeCloseTo(0.218, 10);
    expect(g.metrics.G_L1?.std).toBeCloseTo(0.01, 10);
    expect(g.metrics.G_L1?.n).toBe(3);
    expect(g.metrics['G_L1:max']?.mean).toBe(1);
    expect(g.statuses).toEqual({ finished: 3 });
  });

  it('is the one grouping over seeds: groupOverSeeds on any order gives the store\'s groups, newest run first', () => {
    const { runs } = t.store.listRuns({ sort: 'createdAt', order: 'asc' });
    const groups = groupOverSeeds(runs);
    expect(groups.map((g) => g.groupKey)).toEqual(t.store.groupRuns({}, []).map((g) => g.groupKey));
    const newest = groups[0]!;
    expect(newest.runs.map((r) => r.name)).toEqual(['clr_gan-nz16-s2', 'clr_gan-nz16-s1', 'clr_gan-nz16-s0']);
  });

  it("groupOverSeeds with order 'given' keeps the caller's order (the compare page's groups follow the ids listed)", () => {
    const { runs } = t.store.listRuns({ sort: 'createdAt', order: 'asc' });
    const given = groupOverSeeds(runs, { order: 'given' });
    expect(given.map((g) => g.groupKey)).toEqual(groupOverSeeds(runs).map((g) => g.groupKey).reverse());
    expect(given[0]?.runs.map((r) => r.name)).toEqual(['bicyclegan-nz8-s0', 'bicyclegan-nz8-s1', 'bicyclegan-nz8-s2']);
  });

  it('respects the filter (e.g. finished runs only)', () => {
    const groups = t.store.groupRuns({ status: 'finished', method: 'clr_gan' }, [{ key: 'G_L1' }]);
    expect(groups.map((g) => g.n)).toEqual([2, 2]);
    for (const g of groups) expect(g.metrics.G_L1?.std).toBeCloseTo(Math.SQRT1_2 * 0.01, 10);
  });
});
