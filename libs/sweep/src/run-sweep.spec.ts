// The runner end to end with real processes, real SQLite and the real config composition; the
// job program is a small tracked stand-in for the trainer (see test/fixtures/tracked-job.mjs).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '@workbench/tracking';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalLauncher } from './local-launcher.js';
import { planSweep } from './plan-sweep.js';
import { resumePlan, resumeSweep, runSweep } from './run-sweep.js';
import { formatSummary, summaryRows } from './summary-table.js';

const program = fileURLToPath(new URL('../test/fixtures/tracked-job.mjs', import.meta.url));
let dir: string;
let experimentsDir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweep-run-'));
  experimentsDir = join(dir, 'experiments');
  mkdirSync(join(experimentsDir, 'data'), { recursive: true });
  writeFileSync(join(experimentsDir, 'data', 'aligned.yaml'), 'dataset: aligned\n');
  writeFileSync(join(experimentsDir, 'grid.yaml'), '# @package _global_\nsweep:\n  params:\n    model.nz: [2, 8]\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('runSweep / resumeSweep', () => {
  it('records the sweep, survives a failing job, and resume reruns only what did not finish', async () => {
    const db = join(dir, 'wb.db');
    // 3 jobs: the grid's two, plus one whose data.root does not exist yet, so it fails.
    const plan = planSweep(['+experiment=grid', `tracking.db=${db}`, 'train.iters=5', 'seed=0'], { experimentsDir, cwd: dir, env: {} });
    expect(plan.jobs).toHaveLength(2);
    const failing = planSweep(['data=aligned', `data.root=${join(dir, 'later')}`, `tracking.db=${db}`, 'train.iters=5', 'seed=5'], { experimentsDir, cwd: dir, env: {} });
    const [failingJob] = failing.jobs;
    if (!failingJob) throw new Error('the failing plan has no job');
    const merged = { ...plan, grid: { ...plan.grid }, jobs: [...plan.jobs, { ...failingJob, index: 2 }] };

    const store = openStore(db);
    const lines: string[] = [];
    const opts = {
      store,
      launcher: new LocalLauncher({ workers: 2 }),
      cwd: dir,
      trainCommand: [process.execPath, program], // composes from cwd = dir, so it finds dir/experiments
      log: (l: string) => lines.push(l),
    };
    const first = await runSweep(merged, opts);
    expect(first.status).toBe('failed');
    const byIndex = new Map(first.sweep.jobs.map((j) => [j.index, j]));
    expect(byIndex.get(0)?.status).toBe('finished');
    expect(byIndex.get(1)?.status).toBe('finished');
    expect(byIndex.get(2)?.status).toBe('failed');
    expect(byIndex.get(2)?.exitReason).toMatch(/^workbench: data.root .* does not exist$/);
    expect(byIndex.get(0)?.runId).toBeTruthy();
    expect(store.getRun(byIndex.get(0)?.runId as string)?.jobId).toBe(byIndex.get(0)?.jobId);
    expect(first.sweep.jobs.map((j) => j.jobId)).toEqual(merged.jobs.map((j) => j.jobId));
    expect(first.sweep.grid).toEqual({ 'model.nz': [2, 8] });
    expect(readFileSync(join(first.sweepDir, 'sweep.yaml'), 'utf8')).toContain(merged.jobs[0]?.jobId);
    expect(lines.some((l) => l.includes('failed') && l.includes('does not exist'))).toBe(true);

    const table = formatSummary(summaryRows(store, first.sweep));
    expect(table).toContain('G_L1');
    expect(table).toMatch(/3 jobs: 2 finished, 1 failed/);

    // Fix the cause, resume: only the failed job runs again.
    mkdirSync(join(dir, 'later'));
    const finishedRuns = [0, 1].map((i) => byIndex.get(i)?.runId);
    const second = await resumeSweep(first.sweepId, opts);
    expect(second.ran.map((r) => r.index)).toEqual([2]);
    expect(second.status).toBe('finished');
    expect(second.sweep.jobs.every((j) => j.status === 'finished')).toBe(true);
    expect([0, 1].map((i) => second.sweep.jobs[i]?.runId)).toEqual(finishedRuns);
    expect(second.sweep.jobs[2]?.attempts).toBe(2);
    store.close();
  });

  it('marks jobs killed on interrupt and leaves unstarted ones pending for resume', async () => {
    const db = join(dir, 'wb.db');
    const plan = planSweep(['seed=0,1,2', `tracking.db=${db}`, 'train.iters=2000'], { experimentsDir, cwd: dir, env: {} });
    const store = openStore(db);
    const stop = new AbortController();
    const opts = {
      store,
      launcher: new LocalLauncher({ workers: 1, killGraceMs: 10_000 }),
      cwd: dir,
      trainCommand: [process.execPath, program],
      control: { stop: stop.signal },
      echoOutput: true,
      log: (l: string) => {
        if (l.includes('checkpoint at step 10')) stop.abort(); // the run exists and has a checkpoint
      },
    };
    const result = await runSweep(plan, opts);
    expect(result.status).toBe('cancelled');
    const [a, b, c] = result.sweep.jobs;
    if (!a || !b || !c) throw new Error(`three jobs expected, got ${result.sweep.jobs.length}`);
    expect(a.status).toBe('killed');
    expect(a.runStatus).toBe('killed');
    expect([b.status, c.status]).toEqual(['pending', 'pending']);
    expect(existsSync(result.sweepDir)).toBe(true);
    // Resume continues the killed job from its checkpoint and starts the others.
    const todo = resumePlan(store, result.sweep, dir);
    expect(todo.map((j) => [j.index, j.previous, j.continues])).toEqual([
      [0, 'killed', a.runId],
      [1, 'pending', null],
      [2, 'pending', null],
    ]);
    expect(todo[0]?.overrides.at(-1)).toBe(`resume=${a.runId}`);
    store.close();
  });
});

describe('job ids that read as numbers (issue 13)', () => {
  // Ids of sweeps made before the `j` prefix, and the forms the override parser reads as numbers,
  // bools or NaN: each job must still be linked to the run it recorded.
  // (job-ids.property.spec.ts draws many more through the same path without processes)
  const ids = ['2726e66454', '0123456789', '0x10', 'nan', 'true'];

  it('links every job to the run it reported, whatever its id looks like', async () => {
    const db = join(dir, 'wb.db');
    const planned = planSweep([`seed=range(0,${ids.length})`, `tracking.db=${db}`, 'train.iters=1'], { experimentsDir, cwd: dir, env: {} });
    const plan = {
      ...planned,
      jobs: planned.jobs.map((j, i) => {
        const jobId = ids[i];
        if (jobId === undefined) throw new Error(`no id for job ${i}`);
        return { ...j, jobId };
      }),
    };
    const store = openStore(db);
    const result = await runSweep(plan, { store, launcher: new LocalLauncher({ workers: 2 }), cwd: dir, trainCommand: [process.execPath, program] });
    expect(result.sweep.jobs.map((j) => [j.jobId, j.status, j.runStatus])).toEqual(ids.map((id) => [id, 'finished', 'finished']));
    for (const j of result.sweep.jobs) expect(store.getRun(j.runId as string)?.jobId).toBe(j.jobId);
    store.close();
  });

  it('resume relinks a finished job whose run was stored under a mangled job id', async () => {
    const db = join(dir, 'wb.db');
    const store = openStore(db);
    // What the old runner left: the run stored as job 'Infinity' (and, without a command, as
    // '123456789'), both jobs recorded finished without their run.
    const sweep = store.createSweep({ id: 'sweep-old', launcher: { type: 'local' } });
    store.addSweepJobs(sweep.id, [
      { jobId: '2726e66454', index: 0, overrides: ['seed=0'], status: 'running' },
      { jobId: '0123456789', index: 1, overrides: ['seed=1'], status: 'running' },
      { jobId: '9999e99999', index: 2, overrides: ['seed=2'], status: 'running' },
    ]);
    const cmd = (job: string) => `workbench train seed=0 sweep.id=${sweep.id} sweep.job=${job}`;
    const a = store.createRun({ method: 'bicyclegan', config: { seed: 0 }, sweepId: sweep.id, jobId: 'Infinity', command: cmd('2726e66454') });
    const b = store.createRun({ method: 'bicyclegan', config: { seed: 1 }, sweepId: sweep.id, jobId: '123456789' });
    const c = store.createRun({ method: 'bicyclegan', config: { seed: 2 }, sweepId: sweep.id, jobId: 'Infinity', command: cmd('9999e99999') });
    for (const [run, job] of [[a, '2726e66454'], [b, '0123456789'], [c, '9999e99999']] as const) {
      store.finishRun(run.id, 'finished');
      store.updateSweepJob(sweep.id, job, { status: 'finished' });
    }
    const lines: string[] = [];
    const result = await resumeSweep(sweep.id, { store, launcher: new LocalLauncher({ workers: 1 }), cwd: dir, trainCommand: [process.execPath, program], log: (l) => lines.push(l) });
    expect(result.ran).toEqual([]); // nothing to rerun: the runs were there all along
    expect(result.sweep.jobs.map((j) => [j.jobId, j.runId, j.runStatus])).toEqual([
      ['2726e66454', a.id, 'finished'],
      ['0123456789', b.id, 'finished'],
      ['9999e99999', c.id, 'finished'],
    ]);
    expect([a, b, c].map((r) => store.getRun(r.id)?.jobId)).toEqual(['2726e66454', '0123456789', '9999e99999']);
    expect(lines).toContain(`repaired: job 2726e66454 is run ${a.id} (the run was stored under the mangled job id 'Infinity')`);
    expect(result.status).toBe('finished');
    store.close();
  });
});

describe('resumePlan', () => {
  it('continues a killed run only from a complete checkpoint (step-N with state.json)', () => {
    const store = openStore(join(dir, 'wb.db'));
    const sweep = store.createSweep({ id: 'sw' });
    store.addSweepJobs('sw', ['a', 'b', 'c'].map((jobId, index) => ({ jobId, index, overrides: [`seed=${index}`], status: 'running' as const })));
    // the run layout: <train.runs_dir>/<run id>, runs_dir being the stored config's (default
    // `runs`) in the jobs' working directory `dir`; the recorded runDir is not followed
    const ckpts = (runId: string) => join(dir, 'runs', runId, 'checkpoints');
    // a: complete; b: only a write interrupted by a kill; c: a step folder without state.json.
    const layouts: Record<string, string[]> = { a: ['step-0000010.tmp-123', 'step-0000020'], b: ['step-0000010.tmp-123'], c: ['step-0000030'] };
    const runIds: Record<string, string> = {};
    for (const [jobId, folders] of Object.entries(layouts)) {
      const run = store.createRun({ method: 'bicyclegan', config: { seed: 0 }, runDir: join(dir, 'elsewhere', jobId), sweepId: sweep.id, jobId });
      runIds[jobId] = run.id;
      for (const f of folders) {
        mkdirSync(join(ckpts(run.id), f), { recursive: true });
        // The trainer writes state.json last, then renames: a kill before the rename leaves this.
        if (f.includes('.tmp-')) writeFileSync(join(ckpts(run.id), f, 'state.json'), '{}');
      }
      store.updateSweepJob('sw', jobId, { runId: run.id, status: 'killed' });
      store.finishRun(run.id, 'killed', 'SIGTERM');
    }
    writeFileSync(join(ckpts(runIds.a ?? ''), 'step-0000020', 'state.json'), '{}');
    const plan = resumePlan(store, store.getSweep('sw')!, dir);
    expect(plan.map((j) => [j.jobId, j.previous, j.continues])).toEqual([
      ['a', 'killed', runIds.a],
      ['b', 'killed', null],
      ['c', 'killed', null],
    ]);
    expect(plan[1]?.overrides).toEqual(['seed=1']);
    store.close();
  });
});
