// Every write as a JSON record, replayable by the remote-tracking ingest endpoint.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../test/temp-store.js';
import { TrackingInputError } from './errors.js';
import type { TrackingRecord } from './records.js';
import { storeDatabase } from '../test/testing.js';

let t: TempStore;
beforeEach(() => (t = tempStore()));
afterEach(() => t.cleanup());

const at = Date.now() - 5000;
const batch: TrackingRecord[] = [
  // (recorded running and queued: a remote runner's writes obey the same transitions)
  { key: 'c1:0', op: 'createSweep', sweep: { id: 'sw', name: 'remote sweep', status: 'running', at } },
  { key: 'c1:1', op: 'addSweepJobs', sweepId: 'sw', jobs: [{ jobId: 'j0', index: 0, overrides: ['seed=0'], status: 'queued' }], at },
  { key: 'c1:2', op: 'createRun', run: { id: 'r1', method: 'bicyclegan', config: { seed: 0 }, sweepId: 'sw', jobId: 'j0', host: 'node17', at } },
  { key: 'c1:3', op: 'updateSweepJob', sweepId: 'sw', jobId: 'j0', update: { runId: 'r1', status: 'running', slurmJobId: '42', at } },
  { key: 'c1:4', op: 'metrics', runId: 'r1', points: [{ key: 'G_L1', step: 0, value: 1, wallTime: at }, { key: 'G_L1', step: 10, value: 0.5, wallTime: at + 1 }] },
  { key: 'c1:5', op: 'heartbeat', runId: 'r1', at: at + 2 },
  { key: 'c1:6', op: 'artifact', runId: 'r1', artifact: { kind: 'train_grid', step: 10, path: 'images/step-0000010.png', at } },
  { key: 'c1:7', op: 'evalResult', runId: 'r1', result: { metric: 'lpips_diversity', value: 0.11, at } },
  { key: 'c1:8', op: 'finishRun', runId: 'r1', status: 'finished', at: at + 3 },
  { key: 'c1:9', op: 'updateSweep', sweepId: 'sw', status: 'finished', at: at + 3 },
];

describe('ingest', () => {
  it('applies a batch and records exactly what the client saw (its timestamps)', () => {
    expect(t.store.ingest(batch)).toEqual({ applied: 10, duplicates: 0 });
    const r = t.store.getRun('r1')!;
    expect(r).toMatchObject({ status: 'finished', host: 'node17', startedAt: at, endedAt: at + 3, sweepId: 'sw' });
    expect(t.store.metricSeries('r1', 'G_L1').points).toEqual([
      { step: 0, value: 1, wallTime: at },
      { step: 10, value: 0.5, wallTime: at + 1 },
    ]);
    expect(t.store.getSweep('sw')!.jobs[0]).toMatchObject({ runId: 'r1', slurmJobId: '42', runStatus: 'finished' });
  });

  it('replaying the same records (a retried POST, a re-synced spool) changes nothing', () => {
    t.store.ingest(batch.slice(0, 6));
    // The client never saw the response and resends everything.
    expect(t.store.ingest(batch)).toEqual({ applied: 4, duplicates: 6 });
    expect(t.store.ingest(batch)).toEqual({ applied: 0, duplicates: 10 });
    expect(storeDatabase(t.store).prepare('SELECT count(*) FROM metrics').pluck().get()).toBe(2);
    expect(t.store.getRun('r1')!.status).toBe('finished');
  });

  it('a batch with a bad record is rolled back whole', () => {
    const [first] = batch;
    if (!first) throw new Error('the batch is empty');
    const bad: TrackingRecord[] = [first, { key: 'x', op: 'metrics', runId: 'missing', points: [{ key: 'a', step: 0, value: 1 }] }];
    expect(() => t.store.ingest(bad)).toThrow(/unknown run missing/);
    expect(t.store.listSweeps().total).toBe(0);
    expect(storeDatabase(t.store).prepare('SELECT count(*) FROM ingest_keys').pluck().get()).toBe(0);
    expect(() => t.store.applyRecord({ op: 'explode' } as never)).toThrow(/unknown tracking record op 'explode'/);
  });

  it('malformed records fail as TrackingInputError naming the record and field (HTTP 400, not 500)', () => {
    const cases: [unknown, RegExp][] = [
      [{ op: 'metrics', runId: 'r1' }, /record 0 \(metrics\): points must be an array, got undefined/],
      [{ op: 'createRun', run: { id: 'x', method: 'm' } }, /run.config must be an object/],
      [{ op: 'heartbeat', runId: 'r1', at: '12' }, /at must be a number, got string/],
      [{ op: 'heartbeat', runId: 'r1', at: 1, key: 5 }, /key must be a string/],
      ['nope', /record 0 is not an object/],
    ];
    for (const [rec, msg] of cases) {
      expect(() => t.store.ingest([rec as TrackingRecord])).toThrow(TrackingInputError);
      expect(() => t.store.ingest([rec as TrackingRecord])).toThrow(msg);
    }
    expect(() => t.store.ingest({} as never)).toThrow(/must be an array/);
  });

  it('records survive a JSON round trip (what goes over HTTP or into a spool file)', () => {
    const wire = JSON.parse(JSON.stringify(batch)) as TrackingRecord[];
    expect(t.store.ingest(wire).applied).toBe(10);
  });

  it('a rolled-back batch leaves no stale state behind: later points land in the right series', () => {
    t.store.createRun({ id: 'a', method: 'm', config: {} });
    t.store.createRun({ id: 'b', method: 'm', config: {} });
    // New series a/x is created inside the batch, then the batch fails and rolls back.
    const bad: TrackingRecord[] = [
      { op: 'metrics', runId: 'a', points: [{ key: 'x', step: 0, value: 1 }] },
      { op: 'metrics', runId: 'missing', points: [{ key: 'x', step: 0, value: 1 }] },
    ];
    expect(() => t.store.ingest(bad)).toThrow(/unknown run missing/);
    // SQLite reuses the rolled-back series id for the next new series (b/y)...
    t.store.logMetrics('b', [{ key: 'y', step: 0, value: 2 }]);
    // ...so a cached id for a/x would now point at b/y.
    t.store.logMetrics('a', [{ key: 'x', step: 1, value: 3 }]);
    expect(t.store.metricSeries('b', 'y').points.map((p) => [p.step, p.value])).toEqual([[0, 2]]);
    expect(t.store.metricSeries('a', 'x').points.map((p) => [p.step, p.value])).toEqual([[1, 3]]);
  });
});

