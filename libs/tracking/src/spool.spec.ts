import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../test/temp-store.js';
import { RunTracker } from './run-tracker.js';
import { readSpool, spoolSink } from './spool.js';

let t: TempStore;
beforeEach(() => (t = tempStore()));
afterEach(() => t.cleanup());

describe('spool files', () => {
  it('a run tracked into a spool syncs later exactly once, even after a torn last line', async () => {
    const spool = join(t.dir, 'spool', 'node17.jsonl');
    const tr = RunTracker.create(spoolSink(spool), { method: 'bicyclegan', config: { seed: 0 } }, { metrics: { flushEvery: 10 } });
    for (let s = 0; s < 95; s++) tr.log(s, { G_L1: s });
    tr.log(95, { G_L1: NaN, D: Infinity, E: -Infinity }); // the run blew up: JSON must not lose it
    tr.evalResult({ metric: 'lpips_diversity', value: NaN });
    await tr.finish('finished');
    appendFileSync(spool, '{"op":"metrics","runId":"'); // the process died mid-write
    const { records, badLines } = readSpool(spool);
    expect(badLines).toHaveLength(1);
    expect(t.store.ingest(records).duplicates).toBe(0);
    expect(t.store.ingest(records).applied).toBe(0);
    const sums = t.store.metricSummaries([tr.runId]);
    expect(sums.map((x) => [x.key, x.n, x.last])).toEqual([['D', 1, Infinity], ['E', 1, -Infinity], ['G_L1', 96, NaN]]);
    expect(sums[2]?.max).toBe(94);
    expect(t.store.evalResults({ runId: tr.runId })[0]?.value).toBeNaN();
    expect(() => t.store.logMetrics(tr.runId, [{ key: 'x', step: 0, value: 'big' as never }])).toThrow(/value must be a number, got "big"/);
    expect(t.store.getRun(tr.runId)!.status).toBe('finished');
    expect(readSpool(join(t.dir, 'missing.jsonl'))).toEqual({ records: [], badLines: [] });
  });
});
