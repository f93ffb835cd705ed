import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../test/temp-store.js';
import { storeDatabase } from '../test/testing.js';

let t: TempStore;
beforeEach(() => (t = tempStore()));
afterEach(() => t.cleanup());

describe('metric points', () => {
  it('re-logging a step replaces the point instead of duplicating it (resume)', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    t.store.logMetrics(r.id, [0, 10, 20, 30].map((step) => ({ key: 'G_L1', step, value: step, wallTime: 1 })));
    // The process died after step 30 but the last checkpoint was at 20: it re-logs 20 and 30.
    t.store.logMetrics(r.id, [20, 30, 40].map((step) => ({ key: 'G_L1', step, value: -step, wallTime: 2 })));
    const s = t.store.metricSeries(r.id, 'G_L1');
    expect(s.points.map((p) => [p.step, p.value])).toEqual([[0, 0], [10, 10], [20, -20], [30, -30], [40, -40]]);
    expect(s.points[2]?.wallTime).toBe(2);
    expect(storeDatabase(t.store).prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(5);
  });

  it('stores NaN (as NULL) and ±Infinity and reads them back', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    t.store.logMetrics(r.id, [
      { key: 'x', step: 0, value: 1 },
      { key: 'x', step: 1, value: Infinity },
      { key: 'x', step: 2, value: NaN },
      { key: 'x', step: 3, value: -Infinity },
    ]);
    expect(t.store.metricSeries(r.id, 'x').points.map((p) => p.value)).toEqual([1, Infinity, NaN, -Infinity]);
  });

  it('rejects bad points without writing any of the batch', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    expect(() => t.store.logMetrics(r.id, [{ key: 'a', step: 0, value: 1 }, { key: 'a', step: 1.5, value: 1 }])).toThrow(/step must be an integer/);
    expect(() => t.store.logMetrics('nope', [{ key: 'a', step: 0, value: 1 }])).toThrow(/unknown run nope/);
    expect(t.store.metricKeys(r.id)).toEqual([]);
  });

  it('lists metric keys and summarises last/min/max per run', () => {
    const a = t.store.createRun({ method: 'm', config: {} });
    const b = t.store.createRun({ method: 'm', config: {} });
    t.store.logMetrics(a.id, [
      { key: 'D', step: 0, value: 5 },
      { key: 'D', step: 1, value: -2 },
      { key: 'D', step: 2, value: 3 },
      { key: 'G', step: 0, value: 1 },
    ]);
    t.store.logMetrics(b.id, [{ key: 'D', step: 7, value: 9 }]);
    expect(t.store.metricKeys(a.id)).toEqual(['D', 'G']);
    const sums = t.store.metricSummaries([a.id, b.id], ['D']);
    expect(sums).toEqual([
      { runId: a.id, key: 'D', last: 3, lastStep: 2, min: -2, max: 5, n: 3 },
      { runId: b.id, key: 'D', last: 9, lastStep: 7, min: 9, max: 9, n: 1 },
    ]);
    expect(t.store.metricValue(a.id, 'D', 'min')).toBe(-2);
    expect(t.store.metricValue(a.id, 'nope')).toBeUndefined();
  });

  it('MetricWriter batches, flushes on size and on close, and loses nothing', async () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    const w = t.store.metricWriter(r.id, { flushEvery: 100, flushMs: 0 });
    for (let step = 0; step < 250; step++) w.log(step, { G: step, D: -step });
    // 500 points logged, flushes at 100, 200, ..., 500 points.
    expect(w.buffered).toBe(0);
    w.point('extra', 1, 1);
    expect(w.buffered).toBe(1);
    expect(t.store.metricKeys(r.id)).toEqual(['D', 'G']);
    await w.close();
    expect(storeDatabase(t.store).prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(501);
    expect(() => w.point('x', 0, 0)).toThrow(/closed/);
  });

  it('closing the store flushes what its writers still buffer', async () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    const w = t.store.metricWriter(r.id, { flushEvery: 1000, flushMs: 0 });
    w.log(1, { a: 1, b: 2 });
    t.store.close();
    const { openStore } = await import('./open-store.js');
    const again = openStore(t.path);
    expect(again.metricKeys(r.id)).toEqual(['a', 'b']);
    again.close();
  });

  it('MetricWriter flushes on its timer when the event loop is free', async () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    const w = t.store.metricWriter(r.id, { flushEvery: 1000, flushMs: 20 });
    w.point('a', 0, 1);
    expect(t.store.metricKeys(r.id)).toEqual([]);
    await new Promise((res) => setTimeout(res, 80));
    expect(t.store.metricKeys(r.id)).toEqual(['a']);
    await w.close();
  });

  it('MetricWriter keeps points buffered when the sink fails', async () => {
    const { MetricWriter } = await import('./metric-writer.js');
    let fail = true;
    const got: number[] = [];
    const w = new MetricWriter((_id, pts) => {
      if (fail) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      got.push(...pts.map((p) => p.step));
    }, 'r', { flushEvery: 2, flushMs: 0 });
    w.point('a', 0, 0);
    expect(() => w.point('a', 1, 0)).toThrow(/locked/);
    expect(w.buffered).toBe(2);
    fail = false;
    await w.close();
    expect(got).toEqual([0, 1]);
  });
});

describe('metric series downsampling', () => {
  it('returns at most maxPoints, keeps the exact extremes and the overall shape', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    const n = 20_000;
    const value = (s: number) => Math.sin(s / 1000) + (s === 12_345 ? 50 : 0) + (s === 777 ? -40 : 0);
    const pts = Array.from({ length: n }, (_, s) => ({ key: 'loss', step: s, value: value(s), wallTime: s }));
    t.store.logMetrics(r.id, pts);
    const s = t.store.metricSeries(r.id, 'loss', { maxPoints: 500 });
    expect(s.total).toBe(n);
    expect(s.downsampled).toBe(true);
    expect(s.points.length).toBeLessThanOrEqual(500);
    expect(s.points.length).toBeGreaterThan(400);
    // Spikes survive at their true steps.
    expect(s.points).toContainEqual({ step: 12_345, value: value(12_345), wallTime: 12_345 });
    expect(s.points).toContainEqual({ step: 777, value: value(777), wallTime: 777 });
    // Steps strictly increase; each returned point is a real point.
    const steps = s.points.map((p) => p.step);
    expect(steps).toEqual([...new Set(steps)].sort((a, b) => a - b)); // strictly increasing
    for (const p of s.points) expect(p.value).toBeCloseTo(value(p.step), 12);
    // Shape: bucket means follow the sine.
    for (const b of s.buckets!) {
      const mid = (b.stepStart + b.stepEnd) / 2;
      if (b.max < 2 && b.min > -2) expect(b.mean).toBeCloseTo(Math.sin(mid / 1000), 1);
    }
    expect(s.buckets!.reduce((a, b) => a + b.n, 0)).toBe(n);
    // A step range is honoured.
    const part = t.store.metricSeries(r.id, 'loss', { stepMin: 100, stepMax: 199, maxPoints: 1000 });
    expect(part.downsampled).toBe(false);
    expect(part.points.map((p) => p.step)).toEqual(Array.from({ length: 100 }, (_, i) => 100 + i));
  });

  it('an unknown series is empty, a short one is returned whole', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    expect(t.store.metricSeries(r.id, 'nope')).toEqual({ runId: r.id, key: 'nope', total: 0, downsampled: false, points: [] });
    t.store.logMetrics(r.id, [{ key: 'a', step: 5, value: 1, wallTime: 9 }]);
    expect(t.store.metricSeries(r.id, 'a', { maxPoints: 4 }).points).toEqual([{ step: 5, value: 1, wallTime: 9 }]);
  });
});

describe('rollups (long series)', () => {
  const value = (s: number) => Math.cos(s / 3000) + (s === 40_001 ? 9 : 0) + (s === 7_777 ? -9 : 0);

  function fill(runId: string, n: number, every = 1) {
    const w = t.store.metricWriter(runId, { flushEvery: 777, flushMs: 0 });
    for (let i = 0; i < n; i++) w.point('loss', i * every, value(i * every), i);
    void w.flush();
  }

  it('rollup downsampling matches raw downsampling: same extremes, all points real, counts add up', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    fill(r.id, 60_000);
    for (const range of [{}, { stepMin: 1000, stepMax: 50_000 }, { stepMin: 333, stepMax: 59_999 }]) {
      const raw = t.store.metricSeries(r.id, 'loss', { maxPoints: 100, strategy: 'raw', ...range });
      const rol = t.store.metricSeries(r.id, 'loss', { maxPoints: 100, strategy: 'rollup', ...range });
      expect(rol.total).toBe(raw.total);
      expect(rol.points.length).toBeLessThanOrEqual(100);
      const ext = (s: typeof raw) => [Math.min(...s.points.map((p) => p.value)), Math.max(...s.points.map((p) => p.value))];
      expect(ext(rol)).toEqual(ext(raw));
      expect(rol.buckets!.reduce((a, b) => a + b.n, 0)).toBe(raw.total);
      for (const p of rol.points) {
        expect(p.value).toBe(value(p.step));
        expect(p.wallTime).toBe(p.step);
        expect(p.step).toBeGreaterThanOrEqual(range.stepMin ?? 0);
        expect(p.step).toBeLessThanOrEqual(range.stepMax ?? 59_999);
      }
      const mean = rol.buckets!.reduce((a, b) => a + b.mean * b.n, 0) / raw.total;
      const rawMean = raw.buckets!.reduce((a, b) => a + b.mean * b.n, 0) / raw.total;
      expect(mean).toBeCloseTo(rawMean, 9);
    }
    expect(t.store.metricSummaries([r.id])[0]).toMatchObject({ n: 60_000, min: -9 + Math.cos(7777 / 3000), max: 9 + Math.cos(40001 / 3000), lastStep: 59_999 });
  });

  it('re-logging steps (resume) keeps summaries and rollups exact, including a removed extreme', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    fill(r.id, 50_000);
    expect(t.store.metricValue(r.id, 'loss', 'max')).toBeCloseTo(9 + Math.cos(40001 / 3000), 12);
    // The run crashed after step 49999; its last checkpoint was at 39000: steps 39000.. are
    // re-logged with new values (no spike this time) and it goes further.
    const w = t.store.metricWriter(r.id, { flushEvery: 500, flushMs: 0 });
    for (let s = 39_000; s < 55_000; s++) w.point('loss', s, 0.5, s);
    void w.flush();
    const [sum] = t.store.metricSummaries([r.id]);
    if (!sum) throw new Error('no summary of the loss series');
    expect(sum.n).toBe(55_000);
    expect(sum.max).toBeCloseTo(Math.max(...Array.from({ length: 39_000 }, (_, s) => value(s))), 12);
    expect(sum.lastStep).toBe(54_999);
    expect(sum.last).toBe(0.5);
    const rol = t.store.metricSeries(r.id, 'loss', { maxPoints: 50, strategy: 'rollup' });
    const raw = t.store.metricSeries(r.id, 'loss', { maxPoints: 50, strategy: 'raw' });
    expect(rol.points.some((p) => p.step === 40_001)).toBe(false);
    expect(Math.max(...rol.points.map((p) => p.value))).toBe(Math.max(...raw.points.map((p) => p.value)));
    const agg = storeDatabase(t.store).prepare('SELECT sum(n) FROM metric_rollups').pluck().get();
    expect(agg).toBe(55_000);
  });

  it('sparse steps (logged every 10 iterations) and NaN points', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    fill(r.id, 20_000, 10);
    // Step 100_000 is re-logged as NaN (replaces, does not add).
    t.store.logMetrics(r.id, [{ key: 'loss', step: 100_000, value: NaN, wallTime: 1 }]);
    const s = t.store.metricSeries(r.id, 'loss', { maxPoints: 200, strategy: 'rollup' });
    expect(s.total).toBe(20_000);
    expect(s.points.length).toBeLessThanOrEqual(200);
    expect(s.points.every((p) => Number.isFinite(p.value))).toBe(true); // NaN never wins min/max
    expect(t.store.metricSeries(r.id, 'loss', { stepMin: 100_000, stepMax: 100_000 }).points[0]?.value).toBeNaN();
    expect(t.store.metricSummaries([r.id])[0]?.n).toBe(20_000);
  });
});

