// The realism study (the paper's AMT test): one row per answer, and the fooling rate per run
// with a Wilson score interval.
import { TrackingConflictError, TrackingInputError } from './errors.js';
import type { StoreContext } from './store-context.js';
import type { FoolingRate, JudgmentCount, JudgmentFilter, JudgmentInput, JudgmentRow } from './types.js';
import { wilsonInterval } from './wilson.js';

const INSERT_JUDGMENT = `
  INSERT INTO judgments (run_id, real_ref, fake_ref, chosen, response_ms, shown_ms, real_side, participant, session, idem_key, practice, created_at)
  VALUES (:run_id, :real_ref, :fake_ref, :chosen, :response_ms, :shown_ms, :real_side, :participant, :session, :idem_key, :practice, :at)`;

/** Record one answer. A `key` is used once: a second answer under it throws TrackingConflictError
 *  (the dashboard keys answers by the served pair, so a pair is answered once). Returns the id. */
export function addJudgment(ctx: StoreContext, j: JudgmentInput): number {
  if (j.chosen !== 'real' && j.chosen !== 'fake') throw new TrackingInputError(`judgment.chosen must be 'real' or 'fake'`);
  return ctx.write(() => {
    if (!ctx.runExists(j.runId)) throw new TrackingInputError(`unknown run ${j.runId}`);
    if (j.key) {
      const existing = ctx.db.prepare('SELECT id FROM judgments WHERE idem_key = ?').get(j.key) as { id: number } | undefined;
      if (existing) throw new TrackingConflictError(`an answer with key ${j.key} is already recorded (judgment ${existing.id})`);
    }
    const info = ctx.db.prepare(INSERT_JUDGMENT).run({
      run_id: j.runId,
      real_ref: j.realRef,
      fake_ref: j.fakeRef,
      chosen: j.chosen,
      response_ms: j.responseMs ?? null,
      shown_ms: j.shownMs ?? null,
      real_side: j.realSide ?? null,
      participant: j.participant ?? null,
      session: j.session ?? null,
      idem_key: j.key ?? null,
      practice: j.practice ? 1 : 0,
      at: j.at ?? Date.now(),
    });
    return Number(info.lastInsertRowid);
  });
}

function judgmentWhere(f: JudgmentFilter): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const eq = (column: string, value: unknown) => {
    where.push(`${column} = ?`);
    params.push(value);
  };
  if (f.runId !== undefined) eq('run_id', f.runId);
  if (f.participant === null) where.push('participant IS NULL');
  else if (f.participant !== undefined) eq('participant', f.participant);
  if (f.practice !== undefined) where.push(f.practice ? 'practice = 1' : 'practice = 0');
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

const toJudgmentRow = (r: Record<string, unknown>): JudgmentRow => ({
  id: r.id as number,
  runId: r.run_id as string,
  realRef: r.real_ref as string,
  fakeRef: r.fake_ref as string,
  chosen: r.chosen as 'real' | 'fake',
  responseMs: r.response_ms as number | null,
  shownMs: r.shown_ms as number | null,
  realSide: r.real_side as 'left' | 'right' | null,
  participant: r.participant as string | null,
  session: r.session as string | null,
  practice: r.practice === 1,
  createdAt: r.created_at as number,
});

/** Answers matching the filter, oldest first. */
export function listJudgments(ctx: StoreContext, f: JudgmentFilter = {}, opts: { limit?: number; offset?: number } = {}): JudgmentRow[] {
  const w = judgmentWhere(f);
  const rows = ctx.db
    .prepare(`SELECT * FROM judgments ${w.sql} ORDER BY id LIMIT ? OFFSET ?`)
    .all(...w.params, opts.limit ?? -1, opts.offset ?? 0) as Record<string, unknown>[];
  return rows.map(toJudgmentRow);
}

/** Delete the answers of a run and/or a participant; returns how many. An empty filter is
 *  refused: wiping the whole study takes an explicit per-run or per-participant call. */
export function deleteJudgments(ctx: StoreContext, f: JudgmentFilter): number {
  if (f.runId === undefined && f.participant === undefined) {
    throw new TrackingInputError('deleteJudgments needs a runId and/or a participant (refusing to delete every answer)');
  }
  const w = judgmentWhere(f);
  return ctx.write(() => ctx.db.prepare(`DELETE FROM judgments ${w.sql}`).run(...w.params).changes);
}

/** Counted and practice answers per (run, participant), newest activity first. */
export function judgmentCounts(ctx: StoreContext, f: JudgmentFilter = {}): JudgmentCount[] {
  const w = judgmentWhere(f);
  const rows = ctx.db
    .prepare(
      `SELECT run_id, participant, sum(practice = 0) AS n, sum(practice = 0 AND chosen = 'fake') AS fooled,
         sum(practice = 1) AS practice, min(created_at) AS first_at, max(created_at) AS last_at
       FROM judgments ${w.sql} GROUP BY run_id, participant ORDER BY last_at DESC, run_id, participant`,
    )
    .all(...w.params) as { run_id: string; participant: string | null; n: number; fooled: number; practice: number; first_at: number; last_at: number }[];
  return rows.map((r) => ({ runId: r.run_id, participant: r.participant, n: r.n, fooled: r.fooled, practice: r.practice, firstAt: r.first_at, lastAt: r.last_at }));
}

/** Fooling rate (fake picked as real) per run with a Wilson interval, over counted answers only
 *  (practice trials never count). Runs without answers are omitted; `runIds` absent = every run
 *  with answers. */
export function foolingRates(ctx: StoreContext, runIds?: string[], confidence = 0.95): FoolingRate[] {
  const rows = (
    runIds
      ? runIds.length === 0
        ? []
        : ctx.db
            .prepare(
              `SELECT run_id, count(*) AS n, sum(chosen = 'fake') AS fooled FROM judgments
               WHERE practice = 0 AND run_id IN (${runIds.map(() => '?').join(',')}) GROUP BY run_id ORDER BY run_id`,
            )
            .all(...runIds)
      : ctx.db
          .prepare(`SELECT run_id, count(*) AS n, sum(chosen = 'fake') AS fooled FROM judgments WHERE practice = 0 GROUP BY run_id ORDER BY run_id`)
          .all()
  ) as { run_id: string; n: number; fooled: number }[];
  return rows.map((r) => ({ runId: r.run_id, n: r.n, fooled: r.fooled, rate: r.fooled / r.n, ...wilsonInterval(r.fooled, r.n, confidence), confidence }));
}

export function foolingRate(ctx: StoreContext, runId: string, confidence = 0.95): FoolingRate {
  return foolingRates(ctx, [runId], confidence)[0] ?? { runId, n: 0, fooled: 0, rate: NaN, low: 0, high: 1, confidence };
}
