import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleConfig, tempStore, type TempStore } from '../test/temp-store.js';
import type { TrackingRecord } from './records.js';
import { localSink, RunTracker } from './run-tracker.js';
import { storeDatabase } from '../test/testing.js';

let t: TempStore;
beforeEach(() => (t = tempStore()));
afterEach(() => t.cleanup());

function train(tracker: RunTracker, steps: number) {
  for (let s = 0; s < steps; s++) {
    tracker.log(s, { G_L1: 1 / (s + 1), D: 0.5 });
    tracker.heartbeat();
    if (s % 50 === 0) tracker.artifact({ kind: 'train_grid', step: s, path: `images/step-${s}.png` });
  }
}

describe('RunTracker', () => {
  it('tracks a run into the local store', async () => {
    const tr = RunTracker.create(localSink(t.store), { method: 'bicyclegan', config: sampleConfig() }, { clientId: null, metrics: { flushEvery: 64 } });
    train(tr, 200);
    tr.evalResult({ metric: 'lpips_diversity', value: 0.1 });
    await tr.finish('finished');
    const run = t.store.getRun(tr.runId)!;
    expect(run.status).toBe('finished');
    expect(t.store.metricSummaries([run.id])).toMatchObject([{ key: 'D', n: 200 }, { key: 'G_L1', n: 200, last: 1 / 200 }]);
    expect(t.store.artifactSteps(run.id, 'train_grid')).toEqual([0, 50, 100, 150]);
    expect(storeDatabase(t.store).prepare('SELECT count(*) FROM ingest_keys').pluck().get()).toBe(0);
  });

  it('through an async sink (HTTP-like) records replay exactly once, in order', async () => {
    const spool: string[] = [];
    // An async sink that only appends JSON lines, as a client spools when the server is down.
    const sink = async (records: TrackingRecord[]) => {
      await new Promise((r) => setTimeout(r, Math.random() * 2));
      spool.push(...records.map((r) => JSON.stringify(r)));
    };
    const tr = RunTracker.create(sink, { method: 'cvae_gan', config: sampleConfig() }, { heartbeatEveryMs: 0, metrics: { flushEvery: 100 } });
    train(tr, 300);
    await tr.finish('killed', 'SIGTERM');
    const records = spool.map((l) => JSON.parse(l) as TrackingRecord);
    expect(records[0]?.op).toBe('createRun');
    expect(records.at(-1)?.op).toBe('finishRun');
    // `workbench sync` uploads the spool; a retry uploads half of it again.
    expect(t.store.ingest(records.slice(0, 40)).duplicates).toBe(0);
    const res = t.store.ingest(records);
    expect(res.duplicates).toBe(40);
    expect(res.applied).toBe(records.length - 40);
    expect(t.store.ingest(records)).toEqual({ applied: 0, duplicates: records.length });
    const run = t.store.getRun(tr.runId)!;
    expect([run.status, run.exitReason]).toEqual(['killed', 'SIGTERM']);
    expect(t.store.metricSeries(run.id, 'G_L1', { maxPoints: 1000 }).points.map((p) => p.step)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('resume continues the same run and heartbeats are throttled', async () => {
    const sent: TrackingRecord[] = [];
    const sink = (r: TrackingRecord[]) => {
      sent.push(...r);
      t.store.ingest(r);
    };
    const a = RunTracker.create(sink, { method: 'm', config: {}, at: Date.now() - 1000 }, { heartbeatEveryMs: 60_000 });
    for (let i = 0; i < 100; i++) a.heartbeat();
    expect(sent.filter((r) => r.op === 'heartbeat')).toHaveLength(0);
    await a.finish('killed', 'SIGTERM');
    const b = RunTracker.resume(sink, a.runId);
    expect(t.store.getRun(a.runId)!.status).toBe('running');
    b.log(5, { x: 1 });
    await b.finish('finished');
    expect(t.store.getRun(a.runId)).toMatchObject({ status: 'finished', resumes: 1 });
  });
});
