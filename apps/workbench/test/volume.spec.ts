// The API stays correct at volume: thousands of runs and hundreds of thousands of metric points
// written through the tracking API (the full 10k-run / 1M-point timing lives in
// test/bench/dashboard-volume.bench.ts, not in a timed test).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server/index.js';
import { seedVolume, type VolumeSeeded } from './support/seed-volume.js';
import { storeDatabase } from '@workbench/tracking/testing';

const RUNS = 2000;
let dir: string;
let seeded: VolumeSeeded;
let server: RunningServer;
const json = async (p: string) => {
  const res = await fetch(`${server.url}${p}`);
  expect(res.status, p).toBe(200);
  return res.json();
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'wb-volume-'));
  seeded = seedVolume(path.join(dir, 'workbench.db'), { runs: RUNS, keys: 4, pointsPerSeries: 20, longPoints: 50_000 });
  server = await startServer({ store: seeded.store, port: 0, log: () => {} });
});
afterAll(async () => {
  await server?.close();
  seeded?.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('at volume', () => {
  it('seeded what it claims through the tracking API', () => {
    expect(seeded.totalPoints).toBe(RUNS * 4 * 20 + 2 * 50_000);
    expect(storeDatabase(seeded.store).prepare('SELECT count(*) FROM metric_points').pluck().get()).toBe(seeded.totalPoints);
  });

  it('pages through every run exactly once', async () => {
    const seen = new Set<string>();
    let total = 0;
    for (let offset = 0; offset < RUNS + 1; offset += 500) {
      const page = await json(`/api/runs?limit=500&offset=${offset}&fields=basic`);
      total = page.total;
      for (const r of page.items) seen.add(r.id);
    }
    expect(total).toBe(RUNS + 1);
    expect(seen.size).toBe(RUNS + 1);
  });

  it('answers filters and metric sorts consistently with the data', async () => {
    const cvae = await json('/api/runs?method=cvae_gan&config=model.nz%3D16&limit=1000');
    expect(cvae.items.every((r: { method: string; config: Record<string, unknown> }) => r.method === 'cvae_gan' && r.config['model.nz'] === 16)).toBe(true);
    expect(cvae.total).toBeGreaterThan(50);
    const sorted = await json('/api/runs?sort=metric:loss_D&order=desc&limit=200');
    const lasts = sorted.items.map((r: { metrics: { loss_D?: { last: number } } }) => r.metrics.loss_D?.last ?? -Infinity);
    expect(lasts).toEqual([...lasts].sort((a: number, b: number) => b - a));
  });

  it('groups seeds: three per config, with mean ± std over them', async () => {
    const g = await json('/api/runs/groups?limit=100');
    expect(g.total).toBeGreaterThanOrEqual(RUNS / 3);
    const full = g.items.find((x: { n: number; metrics: { loss_D?: { n: number } } }) => x.n === 3 && x.metrics.loss_D?.n === 3);
    expect(full).toBeDefined();
    const members = await json(`/api/runs?groupKey=${full.groupKey}`);
    const values = members.items.map((r: { metrics: { loss_D: { last: number } } }) => r.metrics.loss_D.last);
    const mean = values.reduce((a: number, b: number) => a + b, 0) / values.length;
    expect(full.metrics.loss_D.mean).toBeCloseTo(mean, 12);
  });

  it('downsamples a 50k-point series to the requested size with the exact extremes', async () => {
    const d = await json(`/api/runs/${seeded.longRunId}/metrics?points=500`);
    // The seeded series: exp(-p/20000) + (p % 97) * 1e-4 for p in [0, 50000).
    let max = -Infinity;
    let min = Infinity;
    for (let p = 0; p < 50_000; p++) {
      const v = Math.exp(-p / 20_000) + (p % 97) * 1e-4;
      max = Math.max(max, v);
      min = Math.min(min, v);
    }
    expect(d.series).toHaveLength(2);
    for (const s of d.series) {
      expect(s.total).toBe(50_000);
      expect(s.steps.length).toBeLessThanOrEqual(500);
      expect(Math.max(...s.values)).toBe(max);
      expect(Math.min(...s.values)).toBe(min);
    }
  });
});
