// /api/hparams: hyperparameters against metrics for the runs matching the runs-table filters
// (usually `sweep=<id>`), for the parallel-coordinates and scatter views.
import express, { type Router } from 'express';
import { hparamPoints, type HparamColumn, type HparamPoint } from '../hparam-points.js';
import { int, parseRunFilter } from '../query-params.js';
import type { ServerContext } from '../server-context.js';

/** GET /api/hparams (the dashboard's JSDoc imports it through ui/api-payloads.d.ts). */
export interface HparamsPayload {
  /** Runs matching the filters; `truncated` when more than `limit` of them. */
  total: number;
  truncated: boolean;
  columns: HparamColumn[];
  points: HparamPoint[];
}

export function hparamsRouter(ctx: ServerContext): Router {
  const r = express.Router();
  r.get('/', (req, res) => {
    const filter = parseRunFilter(req.query);
    const limit = int(req.query, 'limit', 2000, 1, 5000);
    const { runs, total } = ctx.store.listRuns({ ...filter, sort: 'createdAt', order: 'asc', limit });
    const body: HparamsPayload = { total, truncated: total > runs.length, ...hparamPoints(ctx.store, runs) };
    res.json(body);
  });
  return r;
}
