// A tiny real sweep through the real `workbench train` (test/train-sweep-scenario.ts): one job
// succeeds, one fails on a data.root that does not exist yet; after the folder appears,
// `resumeSweep` reruns only the failed job and the sweep is finished. tools/soak runs the same
// scenario hundreds of times.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrainSweepScenario } from '../test/train-sweep-scenario.js';
import { formatSummary, summaryRows } from './summary-table.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweep-train-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a real sweep of workbench train', () => {
  it('runs, records a failure, resumes to all finished', async () => {
    const { store, plan, root, first, second } = await runTrainSweepScenario(dir);
    expect(plan.jobs).toHaveLength(2);
    const [ok, bad] = first.sweep.jobs;
    if (!ok || !bad) throw new Error(`two jobs expected, got ${first.sweep.jobs.length}`);
    expect(ok.status).toBe('finished');
    expect(ok.runStatus).toBe('finished');
    expect(bad.status).toBe('failed');
    expect(bad.exitReason).toContain(root);
    expect(first.status).toBe('failed');
    const okRun = store.getRun(ok.runId as string);
    expect(okRun?.sweepId).toBe(first.sweepId);
    expect(okRun?.jobId).toBe(ok.jobId);
    expect(store.metricKeys(ok.runId as string).length).toBeGreaterThan(0);

    expect(second.ran.map((r) => r.jobId)).toEqual([bad.jobId]);
    expect(second.status).toBe('finished');
    expect(second.sweep.jobs.map((j) => j.runStatus)).toEqual(['finished', 'finished']);
    expect(second.sweep.jobs[0]?.runId).toBe(ok.runId);
    const table = formatSummary(summaryRows(store, second.sweep));
    expect(table).toMatch(/2 jobs: 2 finished/);
    expect(table).toContain('G_L1');
    store.close();
  });
});
