// /api/hparams: hyperparameters against metrics for the runs matching the runs-table filters
// (usually `sweep=<id>`), for the parallel-coordinates and scatter views.
import express, { type Router } from 'express';
import { hparamPoints } from '../hparam-points.js';
import { int, parseRunFilter } from '../query-params.js';
import type { ServerContext } from '../server-context.js';

export function hparamsRouter(ctx: ServerContext): Router {
  const r = express.Router();
  r.get('/', (req, res) => {
    const filter = parseRunFilter(req.query);
    const limit = int(req.query, 'limit', 2000, 1, 5000);
    const { runs, total } = ctx.store.listRuns({ ...filter, sort: 'createdAt', order: 'asc', limit });
    res.json({ total, truncated: total > runs.length, ...hparamPoints(ctx.store, runs) });
  });
  return r;
}
