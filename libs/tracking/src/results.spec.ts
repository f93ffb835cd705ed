// Artifacts, eval results and realism-study judgments.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../test/temp-store.js';
import { TrackingConflictError } from './errors.js';

let t: TempStore;
beforeEach(() => (t = tempStore()));
afterEach(() => t.cleanup());

describe('artifacts', () => {
  it('records image grids and checkpoints, idempotently, and lists them by kind and step', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    const id1 = t.store.addArtifact(r.id, { kind: 'train_grid', step: 100, path: 'images/step-0000100.png', meta: { rows: 4 } });
    t.store.addArtifact(r.id, { kind: 'train_grid', step: 200, path: 'images/step-0000200.png' });
    t.store.addArtifact(r.id, { kind: 'checkpoint', step: 200, path: 'checkpoints/step-0000200' });
    t.store.addArtifact(r.id, { kind: 'export', path: 'G.onnx' });
    // Re-recording after a resume updates instead of duplicating.
    const again = t.store.addArtifact(r.id, { kind: 'train_grid', step: 100, path: 'images/step-0000100.png', meta: { rows: 5 } });
    expect(again).toBe(id1);
    t.store.addArtifact(r.id, { kind: 'export', path: 'G.onnx' });
    expect(t.store.listArtifacts(r.id)).toHaveLength(4);
    expect(t.store.listArtifacts(r.id, { kind: 'train_grid' }).map((a) => [a.step, a.meta])).toEqual([
      [100, { rows: 5 }],
      [200, {}],
    ]);
    expect(t.store.listArtifacts(r.id, { step: 200 }).map((a) => a.kind).sort()).toEqual(['checkpoint', 'train_grid']);
    expect(t.store.artifactSteps(r.id, 'train_grid')).toEqual([100, 200]);
    expect(() => t.store.addArtifact('nope', { kind: 'x', path: 'y' })).toThrow(/unknown run nope/);
  });
});

describe('eval results', () => {
  it('upserts per (run, metric) and reads per run and per sweep', () => {
    t.store.createSweep({ id: 's' });
    const a = t.store.createRun({ method: 'm', config: {}, sweepId: 's' });
    const b = t.store.createRun({ method: 'm', config: {} });
    t.store.upsertEvalResult(a.id, { metric: 'lpips_diversity', value: 0.1, n: 100 });
    t.store.upsertEvalResult(a.id, { metric: 'lpips_diversity', value: 0.113, stderr: 0.002, n: 1900, details: { version: '0.1' } });
    t.store.upsertEvalResult(b.id, { metric: 'lpips_diversity', value: 0.05 });
    const rows = t.store.evalResults({ runId: a.id });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ metric: 'lpips_diversity', value: 0.113, stderr: 0.002, n: 1900, details: { version: '0.1' } });
    expect(t.store.evalResults({ sweepId: 's' }).map((e) => e.runId)).toEqual([a.id]);
    expect(t.store.evalResults({ runIds: [a.id, b.id] })).toHaveLength(2);
    // Eval results feed group tables too.
    const g = t.store.groupRuns({ ids: [a.id, b.id] }, [{ key: 'lpips_diversity', agg: 'eval' }]);
    expect(g).toHaveLength(1);
    expect(g[0]?.metrics.lpips_diversity?.mean).toBeCloseTo((0.113 + 0.05) / 2, 12);
  });
});

describe('realism judgments', () => {
  it('stores answers and computes the fooling rate with a Wilson interval', () => {
    const r = t.store.createRun({ method: 'bicyclegan', config: {} });
    const other = t.store.createRun({ method: 'pix2pix_noise', config: {} });
    for (let i = 0; i < 40; i++) {
      t.store.addJudgment({
        runId: r.id,
        realRef: `real/${i}.png`,
        fakeRef: `fake/${i}.png`,
        chosen: i < 10 ? 'fake' : 'real',
        responseMs: 800 + i,
        shownMs: 1000,
        realSide: i % 2 ? 'left' : 'right',
        participant: 'p1',
      });
    }
    const fr = t.store.foolingRate(r.id);
    expect(fr).toMatchObject({ n: 40, fooled: 10, rate: 0.25, confidence: 0.95 });
    // Wilson 95 % for 10/40: [0.1419, 0.4019]
    expect(fr.low).toBeCloseTo(0.1419, 4);
    expect(fr.high).toBeCloseTo(0.4019, 4);
    expect(t.store.foolingRate(other.id)).toMatchObject({ n: 0, low: 0, high: 1 });
    expect(t.store.foolingRates().map((f) => f.runId)).toEqual([r.id]);
    expect(t.store.judgments(r.id, { limit: 2 })[1]).toMatchObject({ realRef: 'real/1.png', chosen: 'fake', realSide: 'left' });
  });

  it('a key takes one answer: a second one under it is a conflict and is not stored', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    const j = { runId: r.id, realRef: 'a', fakeRef: 'b', chosen: 'fake' as const, key: 'session-1:trial-7' };
    const id = t.store.addJudgment(j);
    expect(() => t.store.addJudgment({ ...j, chosen: 'real' })).toThrow(TrackingConflictError);
    expect(() => t.store.addJudgment(j)).toThrow(new RegExp(`already recorded \\(judgment ${id}\\)`));
    expect(t.store.foolingRate(r.id).n).toBe(1);
    expect(() => t.store.addJudgment({ ...j, key: null, chosen: 'maybe' as never })).toThrow(/'real' or 'fake'/);
  });
});
