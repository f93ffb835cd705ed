// The one owner of statuses: the transition table decides, the store enforces it on every path
// that changes a run's status (finish, resume, heartbeat, mark crashed), and ingest refuses
// statuses outside the closed lists.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../../test/temp-store.js';
import { TrackingInputError } from '../errors.js';
import {
  checkRunTransition,
  JOB_STATUSES,
  JOB_TRANSITIONS,
  RUN_STATUSES,
  RUN_TRANSITIONS,
  runStatusesThatMayBecome,
  SWEEP_STATUSES,
  SWEEP_TRANSITIONS,
  type JobStatus,
  type SweepStatus,
} from './status.js';

let t: TempStore;
beforeEach(() => (t = tempStore({ staleAfterSeconds: 60 })));
afterEach(() => t.cleanup());

describe('run status transitions', () => {
  it('are one table: a finished run never changes, an exit after an exit is ignored, the rest is refused by name', () => {
    expect(RUN_TRANSITIONS.finished).toEqual([]);
    expect(runStatusesThatMayBecome('crashed')).toEqual(['running']);
    expect(runStatusesThatMayBecome('running')).toEqual(['running', 'failed', 'killed', 'crashed']);
    expect(checkRunTransition('r', 'running', 'killed')).toBe(true);
    expect(checkRunTransition('r', 'failed', 'killed')).toBe(false); // the first exit wins
    expect(() => checkRunTransition('r', 'killed', 'crashed')).toThrow(new TrackingInputError('run r: status killed -> crashed is not allowed'));
    for (const from of RUN_STATUSES) for (const to of RUN_TRANSITIONS[from]) expect(RUN_STATUSES).toContain(to);
  });

  it('the store refuses to resume a finished run, naming from -> to, and changes nothing', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    t.store.finishRun(r.id, 'finished');
    const err = (() => {
      try {
        t.store.resumeRun(r.id);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(TrackingInputError);
    expect((err as Error).message).toBe(`run ${r.id}: status finished -> running is not allowed (a finished run is a result; to train longer, start a new run)`);
    expect(t.store.getRun(r.id)).toMatchObject({ status: 'finished', resumes: 0 });
    // a late exit (a SIGTERM handler after the end) keeps the recorded one
    expect(t.store.finishRun(r.id, 'killed', 'SIGTERM')).toBe(false);
    expect(t.store.getRun(r.id)!.status).toBe('finished');
  });

  it('a heartbeat revives only a crashed run and never reopens an ended one', () => {
    const now = Date.now();
    const r = t.store.createRun({ method: 'm', config: {}, at: now - 120_000 });
    t.store.markStaleRunsCrashed();
    expect(t.store.getRun(r.id)!.status).toBe('crashed');
    t.store.heartbeat(r.id, now);
    expect(t.store.getRun(r.id)!.status).toBe('running');
    t.store.finishRun(r.id, 'failed', 'NaN');
    t.store.heartbeat(r.id, now + 1);
    expect(t.store.getRun(r.id)!.status).toBe('failed');
    expect(t.store.markStaleRunsCrashed(0, now + 10_000_000)).toBe(0); // only running runs become crashed
  });

  it('remote records with a status outside the closed lists are refused before anything is applied', () => {
    t.store.createSweep({ id: 'sw' });
    expect(() => t.store.ingest([{ op: 'updateSweep', sweepId: 'sw', status: 'exploded' as never, at: 1 }])).toThrow(TrackingInputError);
    expect(t.store.getSweep('sw')!.status).toBe('pending');
  });
});

/** The error a call throws (undefined when it does not). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('sweep status transitions', () => {
  it('the store applies every change SWEEP_TRANSITIONS allows', () => {
    for (const from of SWEEP_STATUSES) {
      for (const to of [from, ...SWEEP_TRANSITIONS[from]]) {
        const id = `sw-${from}-${to}`;
        t.store.createSweep({ id, status: from });
        t.store.updateSweep(id, { status: to });
        expect(t.store.getSweep(id)!.status).toBe(to);
      }
    }
  });

  it('refuses every other change by name, in the same write, and changes nothing', () => {
    let refused = 0;
    for (const from of SWEEP_STATUSES) {
      for (const to of SWEEP_STATUSES.filter((s): s is SweepStatus => s !== from && !SWEEP_TRANSITIONS[from].includes(s))) {
        const id = `sw-${from}-${to}`;
        t.store.createSweep({ id, status: from, at: 1000 });
        const err = thrown(() => t.store.updateSweep(id, { status: to, grid: { seed: [9] }, at: 2000 }));
        expect(err).toBeInstanceOf(TrackingInputError);
        expect((err as Error).message).toMatch(new RegExp(`^sweep ${id}: status ${from} -> ${to} is not allowed \\(a ${from} sweep may become `));
        expect(t.store.getSweep(id)).toMatchObject({ status: from, grid: {}, updatedAt: 1000 });
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    // finished is a result of the runner, not of a pending sweep; a finished sweep is only reopened
    expect(SWEEP_TRANSITIONS.pending).not.toContain('finished');
    expect(SWEEP_TRANSITIONS.finished).toEqual(['running']);
  });
});

describe('sweep job status transitions', () => {
  /** A sweep with one job per (from, to) pair, each created in `from`. */
  function jobsIn(pairs: Array<[JobStatus, JobStatus]>): void {
    t.store.createSweep({ id: 'sw', status: 'running', at: 1000 });
    t.store.addSweepJobs('sw', pairs.map(([from, to], index) => ({ jobId: `${from}-${to}`, index, overrides: [], status: from })), 1000);
  }

  it('updateSweepJob applies every change JOB_TRANSITIONS allows', () => {
    const pairs = JOB_STATUSES.flatMap((from) => [from, ...JOB_TRANSITIONS[from]].map((to): [JobStatus, JobStatus] => [from, to]));
    jobsIn(pairs);
    for (const [from, to] of pairs) t.store.updateSweepJob('sw', `${from}-${to}`, { status: to });
    expect(t.store.getSweep('sw')!.jobs.map((j) => `${j.jobId}:${j.status}`)).toEqual(pairs.map(([from, to]) => `${from}-${to}:${to}`));
  });

  it('updateSweepJob and a re-plan refuse every other change by name and change nothing', () => {
    const pairs = JOB_STATUSES.flatMap((from) => JOB_STATUSES.filter((to) => to !== from && !JOB_TRANSITIONS[from].includes(to)).map((to): [JobStatus, JobStatus] => [from, to]));
    expect(pairs).toContainEqual(['finished', 'queued']); // a finished job is never rerun
    expect(pairs).toContainEqual(['pending', 'finished']); // nor ends without running
    jobsIn(pairs);
    for (const [from, to] of pairs) {
      const jobId = `${from}-${to}`;
      const err = thrown(() => t.store.updateSweepJob('sw', jobId, { status: to, runId: null, attempts: 7, at: 2000 }));
      expect(err).toBeInstanceOf(TrackingInputError);
      expect((err as Error).message).toMatch(new RegExp(`^sweep sw job ${jobId}: status ${from} -> ${to} is not allowed \\(`));
      // a re-plan naming a status is the same change: refused, the whole call with it
      const index = pairs.length + 1;
      const replan = thrown(() => t.store.addSweepJobs('sw', [{ jobId: 'new', index, overrides: [] }, { jobId, index: 0, overrides: ['x=1'], status: to }], 3000));
      expect((replan as Error).message).toMatch(new RegExp(`^sweep sw job ${jobId}: status ${from} -> ${to} is not allowed`));
    }
    const sweep = t.store.getSweep('sw')!;
    expect(sweep.jobs.map((j) => `${j.jobId}:${j.status}:${j.attempts}:${j.overrides.join(' ')}`)).toEqual(pairs.map(([from, to]) => `${from}-${to}:${from}:0:`));
    expect(sweep.updatedAt).toBe(1000);
  });

  it('a re-plan without a status keeps the job\'s status', () => {
    jobsIn([['finished', 'finished']]);
    t.store.addSweepJobs('sw', [{ jobId: 'finished-finished', index: 3, overrides: ['seed=1'] }]);
    expect(t.store.getSweep('sw')!.jobs[0]).toMatchObject({ status: 'finished', index: 3, overrides: ['seed=1'] });
  });
});
