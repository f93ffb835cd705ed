import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../test/temp-store.js';
import { storeDatabase } from '../test/testing.js';

let t: TempStore;
beforeEach(() => (t = tempStore({ staleAfterSeconds: 60 })));
afterEach(() => t.cleanup());

describe('sweeps and jobs', () => {
  it('records a sweep, its jobs, Slurm ids and the status of each job run', () => {
    const sw = t.store.createSweep({
      name: 'ablation',
      experiment: 'ablation_quick',
      grid: { method: ['bicyclegan', 'cvae_gan'], seed: [0, 1] },
      overrides: ['data=shapes', 'train.iters=200'],
      launcher: { name: 'slurm', partition: 'gpu' },
    });
    expect(sw.id).toMatch(/^sweep-\d{8}-\d{6}-[0-9a-f]{8}$/);
    expect(sw.status).toBe('pending');
    const jobs = [0, 1, 2, 3].map((i) => ({ jobId: `job-${i}`, index: i, overrides: [`seed=${i % 2}`] }));
    t.store.addSweepJobs(sw.id, jobs);
    t.store.updateSweep(sw.id, { status: 'running', launcher: { name: 'slurm', partition: 'gpu', arrayJobId: '991' } });
    t.store.updateSweepJob(sw.id, 'job-0', { status: 'queued', slurmJobId: '991', slurmArrayTaskId: 0 });
    t.store.updateSweepJob(sw.id, 'job-0', { status: 'running', incrementAttempts: true });
    const r0 = t.store.createRun({ method: 'bicyclegan', config: { seed: 0 }, sweepId: sw.id, jobId: 'job-0' });
    t.store.updateSweepJob(sw.id, 'job-0', { runId: r0.id });
    t.store.finishRun(r0.id, 'finished');
    const r1 = t.store.createRun({ method: 'bicyclegan', config: { seed: 1 }, sweepId: sw.id, jobId: 'job-1', at: Date.now() - 600_000 });
    t.store.updateSweepJob(sw.id, 'job-1', { status: 'queued' });
    t.store.updateSweepJob(sw.id, 'job-1', { runId: r1.id, status: 'running', incrementAttempts: true });
    t.store.updateSweepJob(sw.id, 'job-1', { incrementAttempts: true });

    const got = t.store.getSweep(sw.id)!;
    expect(got.launcher).toEqual({ name: 'slurm', partition: 'gpu', arrayJobId: '991' });
    expect(got.status).toBe('running');
    expect(got.jobs.map((j) => j.jobId)).toEqual(['job-0', 'job-1', 'job-2', 'job-3']);
    expect(got.jobs[0]).toMatchObject({ status: 'running', runStatus: 'finished', slurmJobId: '991', slurmArrayTaskId: 0, attempts: 1 });
    expect(got.jobs[1]).toMatchObject({ runStatus: 'crashed', attempts: 2 });
    expect(got.counts).toEqual({ finished: 1, crashed: 1, pending: 2 });
    expect(t.store.listRuns({ sweepId: sw.id }).total).toBe(2);
    expect(() => t.store.updateSweepJob(sw.id, 'nope', { status: 'failed' })).toThrow(/unknown job nope/);
    t.store.updateSweepJob(sw.id, 'job-3', { status: 'queued', at: 4_000_000_000_000 });
    expect(t.store.getSweep(sw.id)!.updatedAt).toBe(4_000_000_000_000);
  });

  it('re-planning keeps job state and updates index/overrides', () => {
    const sw = t.store.createSweep({ id: 's1' });
    t.store.addSweepJobs('s1', [{ jobId: 'a', index: 0, overrides: ['seed=0'] }]);
    t.store.addSweepJobs('s1', [{ jobId: 'a', index: 0, overrides: ['seed=0'], status: 'queued' }]); // a re-plan may give a status
    t.store.updateSweepJob('s1', 'a', { status: 'running' });
    t.store.updateSweepJob('s1', 'a', { status: 'finished', attempts: 3 });
    t.store.addSweepJobs('s1', [
      { jobId: 'b', index: 0, overrides: ['seed=5'] },
      { jobId: 'a', index: 1, overrides: ['seed=0', 'x=1'] },
    ]);
    const jobs = t.store.getSweep(sw.id)!.jobs;
    expect(jobs.map((j) => [j.jobId, j.index, j.status, j.attempts])).toEqual([
      ['b', 0, 'pending', 0],
      ['a', 1, 'finished', 3],
    ]);
    expect(jobs[1]?.overrides).toEqual(['seed=0', 'x=1']);
    expect(() => t.store.addSweepJobs('s1', [{ jobId: 'c', index: 1, overrides: [] }])).toThrow(/index 1 of job c is already used/);
  });

  it('lists sweeps newest first with a total', () => {
    for (let i = 0; i < 5; i++) t.store.createSweep({ id: `s${i}`, at: 1000 + i });
    const page = t.store.listSweeps({ limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page.sweeps.map((s) => s.id)).toEqual(['s3', 's2']);
    expect(() => t.store.createSweep({ id: 's1' })).toThrow(/already exists/);
    expect(t.store.getSweep('nope')).toBeUndefined();
  });

  it('deletes a sweep, keeping or deleting its runs', () => {
    for (const id of ['keep', 'drop']) {
      t.store.createSweep({ id });
      t.store.addSweepJobs(id, [{ jobId: 'j', index: 0, overrides: [] }]);
      t.store.createRun({ id: `run-${id}`, method: 'm', config: {}, sweepId: id, jobId: 'j' });
    }
    expect(t.store.deleteSweep('keep')).toBe(true);
    expect(t.store.getRun('run-keep')!.sweepId).toBeNull();
    expect(t.store.deleteSweep('drop', { deleteRuns: true })).toBe(true);
    expect(t.store.getRun('run-drop')).toBeUndefined();
    expect(storeDatabase(t.store).prepare('SELECT count(*) FROM sweep_jobs').pluck().get()).toBe(0);
    expect(t.store.deleteSweep('drop')).toBe(false);
  });
});
