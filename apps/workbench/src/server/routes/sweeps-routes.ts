// /api/sweeps: sweeps with job status counts, one sweep's job grid, and its result tables as JSON
// or as CSV / Markdown / LaTeX downloads.
import express, { type Router } from 'express';
import { formatTables, paperTables } from '@workbench/metrics';
import { assertValidId, type SweepRow, type SweepWithJobs } from '@workbench/tracking';
import { badRequest, notFound } from '../http-error.js';
import { int, parseArchived, str } from '../query-params.js';
import type { ServerContext } from '../server-context.js';
import { DOWNLOAD_FORMATS, tableViews, type PaperTable } from '../paper-tables.js';

// The JSON bodies of these routes (GET /api/sweeps/:id sends the store's SweepWithJobs); the
// dashboard's JSDoc imports them through ui/api-payloads.d.ts.

/** A sweep of GET /api/sweeps: the row with its job count and job status counts. */
export interface SweepListItem extends SweepRow {
  jobCount: number;
  counts: Record<string, number>;
}

/** GET /api/sweeps. */
export interface SweepsPage {
  total: number;
  offset: number;
  limit: number;
  sweeps: SweepListItem[];
}

/** GET /api/sweeps/:id/tables (JSON). */
export interface SweepTables {
  sweepId: string;
  tables: PaperTable[];
}

export function sweepsRouter(ctx: ServerContext): Router {
  const r = express.Router();
  const { store } = ctx;
  const getSweepOr404 = (id: string): SweepWithJobs => {
    const sweep = store.getSweep(assertValidId(id, 'sweep'));
    if (!sweep) throw notFound(`no sweep with id "${id}"`);
    return sweep;
  };

  r.get('/', (req, res) => {
    const limit = int(req.query, 'limit', 100, 1, 1000);
    const offset = int(req.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const { sweeps, total } = store.listSweeps({ limit, offset, archived: parseArchived(str(req.query, 'archived'), false) });
    const items = sweeps.map((s): SweepListItem => {
      const full = store.getSweep(s.id);
      return { ...s, jobCount: full?.jobs.length ?? 0, counts: full?.counts ?? {} };
    });
    const body: SweepsPage = { total, offset, limit, sweeps: items };
    res.json(body);
  });

  r.get('/:id', (req, res) => {
    res.json(getSweepOr404(req.params.id));
  });

  r.get('/:id/tables', (req, res) => {
    const sweep = getSweepOr404(req.params.id);
    // reference=<row label>: the row the others are tested against (default: each table's first)
    const tables = paperTables(store, sweep.id, { reference: str(req.query, 'reference') });
    const format = str(req.query, 'format') ?? 'json';
    if (format === 'json') {
      const body: SweepTables = { sweepId: sweep.id, tables: tableViews(store, tables) };
      res.json(body);
      return;
    }
    const f = DOWNLOAD_FORMATS.get(format);
    if (!f) throw badRequest(`unknown format "${format}": use json, csv, md or latex`);
    res.setHeader('Content-Type', f.type);
    res.setHeader('Content-Disposition', `attachment; filename="${sweep.id.replace(/[^A-Za-z0-9._-]/g, '_')}-tables.${f.ext}"`);
    res.send(formatTables(tables, f.format));
  });

  return r;
}
