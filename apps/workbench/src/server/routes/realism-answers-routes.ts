// /api/realism/answers: review and delete the realism study's answers per run or per participant
// (a participant who withdraws, a botched session). Practice answers are listed apart: they are
// stored for the record but never counted in a fooling rate or a paper table.
import express, { type Router } from 'express';
import type { JudgmentCount, JudgmentFilter, JudgmentRow } from '@workbench/tracking';
import { badRequest } from '../http-error.js';
import { int, str } from '../query-params.js';
import type { ServerContext } from '../server-context.js';
import { runName, type RunName } from './realism-routes.js';

// The JSON bodies of these routes (the dashboard's JSDoc imports them through ui/api-payloads.d.ts).

/** GET /api/realism/answers: counts per run and participant; the answers themselves with detail=1. */
export interface RealismAnswers {
  counts: JudgmentCount[];
  runs: RunName[];
  answers?: JudgmentRow[];
}

/** DELETE /api/realism/answers: how many answers were deleted. */
export interface AnswersDeleted {
  deleted: number;
}

/** `run=<id>`, `participant=<name>` (empty = answers given without a name), `practice=1|0`. */
function filterOf(q: Record<string, unknown>): JudgmentFilter {
  const f: JudgmentFilter = {};
  const run = str(q, 'run');
  if (run) f.runId = run;
  const participant = str(q, 'participant');
  if (participant !== undefined) f.participant = participant === '' ? null : participant;
  const practice = str(q, 'practice');
  if (practice !== undefined) {
    if (practice !== '0' && practice !== '1') throw badRequest('practice must be 1 (only practice answers) or 0 (only counted ones)');
    f.practice = practice === '1';
  }
  return f;
}

export function realismAnswersRouter(ctx: ServerContext): Router {
  const r = express.Router();
  const { store } = ctx;

  r.get('/answers', (req, res) => {
    const filter = filterOf(req.query);
    const counts = store.judgmentCounts(filter);
    const ids = [...new Set(counts.map((c) => c.runId))];
    const { runs } = ids.length ? store.listRuns({ ids, includeConfig: false }) : { runs: [] };
    const detail = str(req.query, 'detail') === '1';
    const limit = int(req.query, 'limit', 500, 1, 5000);
    const body: RealismAnswers = {
      counts,
      runs: runs.map(runName),
      answers: detail ? store.listJudgments(filter, { limit }) : undefined,
    };
    res.json(body);
  });

  r.delete('/answers', (req, res) => {
    const filter = filterOf(req.query);
    if (filter.runId === undefined && filter.participant === undefined) {
      throw badRequest('say whose answers to delete: run=<run id> and/or participant=<name> (participant= for unnamed ones)');
    }
    const deleted = store.deleteJudgments(filter);
    ctx.notifyChange(filter.runId ? [filter.runId] : null);
    const body: AnswersDeleted = { deleted };
    res.json(body);
  });

  return r;
}
