// Run lifecycle from the dashboard: archive, restore and delete runs and sweeps, and bulk tags
// from the runs table. Archiving hides without losing anything (`?archived=only|include` lists
// them again); deleting removes the rows and everything the run logged, and the run folder on
// disk only when asked (`files: true`), since checkpoints can be expensive to remake.
import express, { type Router } from 'express';
import { rmSync, statSync } from 'node:fs';
import { isValidId, realRunFolder, type RunRow, type SweepWithJobs } from '@workbench/tracking';
import { badRequest, notFound } from '../http-error.js';
import { str } from '../query-params.js';
import type { ServerContext } from '../server-context.js';

// The JSON bodies of these routes (the dashboard's JSDoc imports them through ui/api-payloads.d.ts).

/** POST /api/runs/archive, /api/runs/restore and /api/runs/tags: how many runs changed. */
export interface RunsChanged {
  changed: number;
}

/** POST /api/runs/delete and DELETE /api/runs/:id: runs deleted, and run folders removed. */
export interface RunsDeleted {
  deleted: number;
  folders: number;
}

/** POST /api/sweeps/:id/archive and /restore: the sweep as it is now. */
export interface SweepChanged {
  sweep: SweepWithJobs;
}

/** DELETE /api/sweeps/:id: the sweep is gone; `runs` deleted with it, `folders` removed. */
export interface SweepDeleted {
  deleted: true;
  runs: number;
  folders: number;
}

const MAX_IDS = 1000;
const MAX_TAGS = 50;

function idsOf(body: unknown): string[] {
  const ids = (body as { ids?: unknown } | undefined)?.ids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS || !ids.every((id) => typeof id === 'string' && isValidId(id))) {
    throw badRequest(`ids must be a list of 1 to ${MAX_IDS} run ids, e.g. {"ids": ["20261128-081021-3fa9c2d1"]}`);
  }
  return [...new Set(ids as string[])];
}

function tagsOf(body: Record<string, unknown>, name: 'add' | 'remove'): string[] {
  const v = body[name];
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.length > MAX_TAGS || !v.every((t) => typeof t === 'string' && t.trim() !== '' && t.length <= 100)) {
    throw badRequest(`${name} must be a list of at most ${MAX_TAGS} non-empty tags of at most 100 characters`);
  }
  return v.map((t: string) => t.trim());
}

/** `true`/`1` → true; absent → false. */
function flag(v: unknown, name: string): boolean {
  if (v === undefined || v === false || v === '0' || v === 'false') return false;
  if (v === true || v === '1' || v === 'true') return true;
  throw badRequest(`${name} must be true or false`);
}

/** Remove a run's folder `<runsRoot>/<id>` (the tracking run layout: never a recorded path, never
 *  outside the runs root). Returns whether a folder was removed. */
function removeRunFolder(run: Pick<RunRow, 'id'>, runsRoot: string): boolean {
  const dir = realRunFolder(runsRoot, run.id);
  try {
    if (!statSync(dir).isDirectory()) return false;
  } catch {
    return false;
  }
  rmSync(dir, { recursive: true, force: true });
  return true;
}

/** Delete runs (rows and everything they logged) and, with `files`, their folders; shared with
 *  `workbench runs delete` / `workbench sweep delete`. */
export function deleteRunsAndFolders(ctx: Pick<ServerContext, 'store' | 'runsRoot'>, runs: RunRow[], files: boolean): RunsDeleted {
  let folders = 0;
  for (const run of runs) {
    ctx.store.deleteRun(run.id);
    if (files && removeRunFolder(run, ctx.runsRoot)) folders++;
  }
  return { deleted: runs.length, folders };
}

export function runLifecycleRouter(ctx: ServerContext): Router {
  const r = express.Router();
  const { store } = ctx;
  const json = express.json({ limit: '256kb' });
  const existing = (ids: string[]) => {
    const { runs } = store.listRuns({ ids, includeConfig: false });
    const found = new Set(runs.map((x) => x.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw notFound(`no run with id "${missing[0]}"${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ''}: nothing was changed`);
    return runs;
  };
  const deleteRuns = (runs: RunRow[], files: boolean): RunsDeleted => {
    const out = deleteRunsAndFolders(ctx, runs, files);
    ctx.notifyChange(null);
    return out;
  };

  r.post('/archive', json, (req, res) => {
    const runs = existing(idsOf(req.body));
    const changed = store.archiveRuns(runs.map((x) => x.id));
    ctx.notifyChange(runs.map((x) => x.id));
    const body: RunsChanged = { changed };
    res.json(body);
  });

  r.post('/restore', json, (req, res) => {
    const runs = existing(idsOf(req.body));
    const changed = store.restoreRuns(runs.map((x) => x.id));
    ctx.notifyChange(runs.map((x) => x.id));
    const body: RunsChanged = { changed };
    res.json(body);
  });

  r.post('/delete', json, (req, res) => {
    const runs = existing(idsOf(req.body));
    res.json(deleteRuns(runs, flag((req.body as Record<string, unknown>).files, 'files')));
  });

  // Bulk tags: add and/or remove tags on many runs at once (one transaction).
  r.post('/tags', json, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const add = tagsOf(body, 'add');
    const remove = new Set(tagsOf(body, 'remove'));
    if (add.length === 0 && remove.size === 0) throw badRequest('give tags to add and/or remove: {"ids": [...], "add": ["best"], "remove": ["draft"]}');
    const runs = existing(idsOf(body));
    store.write(() => {
      for (const run of runs) {
        const tags = [...new Set([...run.tags.filter((t) => !remove.has(t)), ...add])];
        if (tags.length > MAX_TAGS) throw badRequest(`run ${run.id} would have ${tags.length} tags (at most ${MAX_TAGS})`);
        store.setTags(run.id, tags);
      }
    });
    ctx.notifyChange(runs.map((x) => x.id));
    const changed: RunsChanged = { changed: runs.length };
    res.json(changed);
  });

  r.delete('/:id', (req, res) => {
    const runs = existing([req.params.id]);
    res.json(deleteRuns(runs, flag(str(req.query, 'files'), 'files')));
  });

  return r;
}

export function sweepLifecycleRouter(ctx: ServerContext): Router {
  const r = express.Router();
  const { store } = ctx;
  const sweepOr404 = (id: string): SweepWithJobs => {
    const sweep = store.getSweep(id);
    if (!sweep) throw notFound(`no sweep with id "${id}"`);
    return sweep;
  };

  r.post('/:id/archive', (req, res) => {
    store.archiveSweep(sweepOr404(req.params.id).id);
    ctx.notifyChange(null);
    const body: SweepChanged = { sweep: sweepOr404(req.params.id) };
    res.json(body);
  });

  r.post('/:id/restore', (req, res) => {
    store.restoreSweep(sweepOr404(req.params.id).id);
    ctx.notifyChange(null);
    const body: SweepChanged = { sweep: sweepOr404(req.params.id) };
    res.json(body);
  });

  // DELETE /api/sweeps/:id[?runs=1[&files=1]]: the sweep and its jobs; its runs too with runs=1
  // (else they stay, detached), their folders too with files=1.
  r.delete('/:id', (req, res) => {
    const { id } = sweepOr404(req.params.id);
    const withRuns = flag(str(req.query, 'runs'), 'runs');
    const files = flag(str(req.query, 'files'), 'files');
    if (files && !withRuns) throw badRequest('files=1 needs runs=1: run folders are removed only with their runs');
    const runs = withRuns ? store.listRuns({ sweepId: id, includeConfig: false }).runs : [];
    const { deleted, folders } = deleteRunsAndFolders(ctx, runs, files);
    store.deleteSweep(id);
    ctx.notifyChange(null);
    const body: SweepDeleted = { deleted: true, runs: deleted, folders };
    res.json(body);
  });

  return r;
}
