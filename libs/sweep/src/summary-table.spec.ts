// The sweep table's `time` column: the run's own duration, not when the launcher noticed the job
// start and end (for Slurm those are poll times, rounded to WORKBENCH_SLURM_POLL_MS, 10 s).
import { describe, expect, it } from 'vitest';
import { formatSummary, summaryRows } from './summary-table.js';
import { useStoreSandbox } from '@workbench/tracking/testing';

const sandbox = useStoreSandbox({ each: true });

describe('summaryRows durations', () => {
  it("a job with a run shows the run's duration; one without a run keeps the launcher's times", () => {
    const { store } = sandbox;
    const t0 = 1_700_000_000_000;
    store.createSweep({ id: 'sw', grid: { seed: [0, 1] } });
    store.addSweepJobs('sw', [0, 1].map((index) => ({ jobId: `j${index}`, index, overrides: [`seed=${index}`], status: 'running' as const })));
    // Job 0: the run took 13.4 s; the Slurm launcher saw it start at one poll and end two polls later.
    const run = store.createRun({ method: 'bicyclegan', config: { seed: 0 }, sweepId: 'sw', jobId: 'j0', at: t0 + 2_300 });
    store.finishRun(run.id, 'finished', null, t0 + 15_700);
    store.updateSweepJob('sw', 'j0', { status: 'finished', runId: run.id, startedAt: t0, endedAt: t0 + 20_000 });
    // Job 1: failed before it created a run (e.g. a bad data.root): the launcher's 4 s.
    store.updateSweepJob('sw', 'j1', { status: 'failed', exitReason: 'workbench: data.root /x does not exist', startedAt: t0, endedAt: t0 + 4_000 });

    const rows = summaryRows(store, store.getSweep('sw')!);
    expect(rows.map((r) => r.durationMs)).toEqual([13_400, 4_000]);
    const table = formatSummary(rows);
    expect(table).toMatch(new RegExp(`^0 +j0 +finished +0 +13s +${run.id}`, 'm'));
    expect(table).toMatch(/^1 +j1 +failed +1 +4s +-/m);
  });
});
