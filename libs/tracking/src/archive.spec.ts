import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleConfig, tempStore, type TempStore } from '../test/temp-store.js';
import { MIGRATIONS } from './migrations.js';
import { openStore } from './open-store.js';

let t: TempStore;
beforeEach(() => (t = tempStore()));
afterEach(() => t.cleanup());

const judge = (runId: string, chosen: 'real' | 'fake', participant: string | null, practice = false) =>
  t.store.addJudgment({ runId, realRef: 'test:0:B', fakeRef: `G:${Math.random()}`, chosen, participant, practice });

describe('archive and restore', () => {
  it('hides archived runs from archived:false listings and brings them back', () => {
    const a = t.store.createRun({ method: 'bicyclegan', config: sampleConfig({ seed: 0 }) });
    const b = t.store.createRun({ method: 'bicyclegan', config: sampleConfig({ seed: 1 }) });
    expect(t.store.archiveRuns([a.id], 1234)).toBe(1);
    expect(t.store.archiveRuns([a.id], 9999)).toBe(0); // already archived: keeps its date
    expect(t.store.getRun(a.id)!.archivedAt).toBe(1234);
    expect(t.store.listRuns({ archived: false }).runs.map((r) => r.id)).toEqual([b.id]);
    expect(t.store.listRuns({ archived: true }).runs.map((r) => r.id)).toEqual([a.id]);
    expect(t.store.listRuns({}).total).toBe(2);
    expect(t.store.listRuns({ archived: false, includeConfig: false }).runs[0]?.archivedAt).toBeNull();
    expect(t.store.restoreRuns([a.id, b.id])).toBe(1);
    expect(t.store.listRuns({ archived: false }).total).toBe(2);
  });

  it('archives a sweep with its runs and restores both', () => {
    const sweep = t.store.createSweep({ name: 'nz' });
    const inSweep = t.store.createRun({ method: 'bicyclegan', config: sampleConfig(), sweepId: sweep.id });
    const other = t.store.createRun({ method: 'bicyclegan', config: sampleConfig({ seed: 5 }) });
    expect(t.store.archiveSweep(sweep.id)).toBe(true);
    expect(t.store.archiveSweep('nope')).toBe(false);
    expect(t.store.listSweeps({ archived: false }).total).toBe(0);
    expect(t.store.listSweeps({ archived: true }).sweeps[0]?.archivedAt).toBeTypeOf('number');
    expect(t.store.listRuns({ archived: false }).runs.map((r) => r.id)).toEqual([other.id]);
    expect(t.store.restoreSweep(sweep.id)).toBe(true);
    expect(t.store.getSweep(sweep.id)!.archivedAt).toBeNull();
    expect(t.store.getRun(inSweep.id)!.archivedAt).toBeNull();
  });

  it('migrates a version-2 database: existing runs are not archived, answers not practice', () => {
    // A version-2 database built by hand; openStore applies the newer migrations.
    const path2 = `${t.dir}/v2.db`;
    const db = new Database(path2);
    for (const m of MIGRATIONS.slice(0, 2)) {
      db.exec(m.sql);
      m.up?.(db);
    }
    db.pragma('user_version = 2');
    db.prepare(`INSERT INTO runs (id, method, config, config_hash, group_key, status, created_at, started_at, heartbeat_at)
                VALUES ('old', 'bicyclegan', '{}', 'h', 'g', 'finished', 1, 1, 1)`).run();
    db.prepare(`INSERT INTO judgments (run_id, real_ref, fake_ref, chosen, created_at) VALUES ('old', 'r', 'f', 'fake', 1)`).run();
    db.close();
    const store = openStore(path2);
    try {
      expect(store.getRun('old')!.archivedAt).toBeNull();
      expect(store.listRuns({ archived: false }).total).toBe(1);
      expect(store.listJudgments({ runId: 'old' })[0]?.practice).toBe(false);
      expect(store.foolingRate('old').n).toBe(1);
    } finally {
      store.close();
    }
  });
});

describe('realism answers per run and participant', () => {
  it('never counts practice answers, lists and deletes by run or participant', () => {
    const a = t.store.createRun({ method: 'bicyclegan', config: sampleConfig() }).id;
    const b = t.store.createRun({ method: 'cvae_gan', config: sampleConfig({ seed: 2 }) }).id;
    judge(a, 'fake', 'ann', true);
    judge(a, 'fake', 'ann', true);
    judge(a, 'real', 'ann');
    judge(a, 'fake', 'bob');
    judge(b, 'fake', 'bob');
    judge(b, 'real', null);
    const fa = t.store.foolingRate(a);
    expect([fa.n, fa.fooled]).toEqual([2, 1]); // the two practice 'fake' answers are not counted
    expect(t.store.listJudgments({ runId: a })).toHaveLength(4);
    expect(t.store.listJudgments({ runId: a, practice: true }).every((j) => j.practice)).toBe(true);
    const counts = t.store.judgmentCounts({ runId: a });
    expect(counts.find((c) => c.participant === 'ann')).toMatchObject({ n: 1, fooled: 0, practice: 2 });
    expect(t.store.listJudgments({ participant: null }).map((j) => j.runId)).toEqual([b]);
    expect(() => t.store.deleteJudgments({})).toThrow(/runId and\/or a participant/);
    expect(t.store.deleteJudgments({ participant: 'bob' })).toBe(2);
    expect(t.store.foolingRate(b).n).toBe(1);
    expect(t.store.deleteJudgments({ runId: a })).toBe(3);
    expect(t.store.listJudgments()).toHaveLength(1);
  });
});
