// The one owner of statuses: the transition table decides, the store enforces it on every path
// that changes a run's status (finish, resume, heartbeat, mark crashed), and ingest refuses
// statuses outside the closed lists.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../../test/temp-store.js';
import { TrackingInputError } from '../errors.js';
import { checkRunTransition, RUN_STATUSES, RUN_TRANSITIONS, runStatusesThatMayBecome } from './status.js';

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
