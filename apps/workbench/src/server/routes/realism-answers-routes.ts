// /api/realism/answers: review and delete the realism study's answers per run or per participant
// (a participant who withdraws, a botched session). Practice answers are listed apart: they are
// stored for the record but never counted in a fooling rate or a paper table.
import express, { type Router } from 'express';
import type { JudgmentFilter } from '@workbench/tracking';
import { badRequest } from '../http-error.js';
import { int, str } from '../query-params.js';
import type { ServerContext } from '../server-context.js';

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
    res.json({
      counts,
      runs: runs.map((x) => ({ id: x.id, name: x.name, method: x.method, seed: x.seed })),
      answers: detail ? store.listJudgments(filter, { limit }) : undefined,
    });
  });

  r.delete('/answers', (req, res) => {
    const filter = filterOf(req.query);
    if (filter.runId === undefined && filter.participant === undefined) {
      throw badRequest('say whose answers to delete: run=<run id> and/or participant=<name> (participant= for unnamed ones)');
    }
    const deleted = store.deleteJudgments(filter);
    ctx.notifyChange(filter.runId ? [filter.runId] : null);
    res.json({ deleted });
  });

  return r;
}
