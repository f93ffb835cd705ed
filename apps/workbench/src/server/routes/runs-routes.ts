// /api/runs: the runs table (filters, sort, pagination), groups ignoring the seed, one run's
// detail, its metric series, image grids, checkpoints and files.
import express, { type Router } from 'express';
import { assertSafeKey, assertValidId, realRunFolder, RUN_STATUSES, type EvalResultRow, type FoolingRate, type RunRow, type RunStatus } from '@workbench/tracking';
import { evalValues, groupPage, groupStats, lastValues, type GroupSort } from '../group-stats.js';
import { badRequest, notFound } from '../http-error.js';
import { int, keyList, parseRunFilter, parseRunQuery, str } from '../query-params.js';
import { finiteOrNull, groupView, pageColumns, summarizeRuns, type Columns, type FiniteOrNull, type GroupView, type MetricCell, type RunSummary } from '../run-views.js';
import { fileUrl, listCheckpoints, tailLog, type CheckpointView, type LogTail } from '../run-files.js';
import { runsCsv } from '../runs-csv.js';
import { relativeToRun, resolveInside } from '../safe-path.js';
import type { ServerContext } from '../server-context.js';

const IMAGE_FILE = /\.(png|jpe?g)$/i;

// The JSON bodies of these routes (the dashboard's JSDoc imports them through ui/api-payloads.d.ts).

/** `facets` of GET /api/runs and /api/runs/groups: the filter menus. */
export interface RunFacets {
  methods: string[];
  configKeys: string[];
  statuses: readonly RunStatus[];
}

/** A page of a list: `total` items match, `items` are those from `offset`, at most `limit`. */
interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

/** GET /api/runs: one page of the runs table. */
export interface RunsPage extends Page<RunSummary> {
  columns: Columns;
  facets: RunFacets;
}

/** GET /api/runs/groups: one page of groups (runs sharing a config up to the seed, or `by` keys). */
export interface RunGroupsPage extends Page<GroupView> {
  columns: Columns;
  facets: RunFacets;
}

/** A run as the short lists send it (GET /api/runs?fields=basic). */
export type RunBasic = Pick<RunRow, 'id' | 'name' | 'method' | 'status' | 'seed' | 'startedAt'>;

/** GET /api/runs?fields=basic. */
export type RunsBasicPage = Page<RunBasic>;

/** GET /api/runs/:id: the run page. */
export interface RunDetail {
  run: RunRow;
  metrics: Record<string, MetricCell>;
  lastStep: number | null;
  evals: FiniteOrNull<EvalResultRow, 'value'>[];
  foolingRate: FiniteOrNull<FoolingRate, 'rate'>;
  checkpoints: CheckpointView[];
}

/** PATCH /api/runs/:id: the edited run. */
export interface RunPatched {
  run: RunRow;
}

/** GET /api/runs/:id/log: the end of the run's train.log. */
export type RunLog = { runId: string } & LogTail;

/** One metric of GET /api/runs/:id/metrics, downsampled by the store. */
export interface MetricSeries {
  key: string;
  total: number;
  downsampled: boolean;
  steps: number[];
  values: (number | null)[];
  times: number[];
}

/** GET /api/runs/:id/metrics. */
export interface RunMetrics {
  runId: string;
  series: MetricSeries[];
}

/** An image artifact of GET /api/runs/:id/images. */
export interface RunImage {
  step: number | null;
  kind: string;
  path: string;
  url: string;
  meta: Record<string, unknown>;
}

/** GET /api/runs/:id/images. */
export interface RunImages {
  runId: string;
  images: RunImage[];
}

/** GET /api/runs/:id/checkpoints. */
export interface RunCheckpoints {
  runId: string;
  checkpoints: CheckpointView[];
}

/** The run with this id: 400 for an id that breaks the id pattern, 404 for an unknown one. */
export function getRunOr404(ctx: ServerContext, id: string): RunRow {
  const run = ctx.store.getRun(assertValidId(id, 'run'));
  if (!run) throw notFound(`no run with id "${id}"`);
  return run;
}

/** Distinct methods, a sample of config keys and the run statuses (the tracking library's closed
 *  list: the UI has no copy), for the filter menus. */
function facets(ctx: ServerContext, pageConfigKeys: string[]): RunFacets {
  return { methods: ctx.store.methods(), configKeys: pageConfigKeys, statuses: RUN_STATUSES };
}

/** Groups sort by `createdAt` (newest run, default), `n`, `metric:<key>` or `eval:<metric>` (means). */
function parseGroupSort(text: string | undefined): GroupSort {
  if (!text || text === 'createdAt') return { by: 'newest' };
  if (text === 'n') return { by: 'n' };
  const key = (k: string) => {
    assertSafeKey(k, 'metric key');
    return k;
  };
  if (text.startsWith('metric:')) return { by: 'metric', key: key(text.slice('metric:'.length).replace(/:(last|min|max)$/, '')) };
  if (text.startsWith('eval:')) return { by: 'eval', key: key(text.slice('eval:'.length)) };
  throw badRequest(`groups sort by createdAt, n, metric:<key> or eval:<metric>, not "${text}"`);
}

export function runsRouter(ctx: ServerContext): Router {
  const r = express.Router();
  const { store } = ctx;

  r.get('/', (req, res) => {
    const q = parseRunQuery(req.query);
    const basic = str(req.query, 'fields') === 'basic';
    const { runs, total } = store.listRuns({ ...q, includeConfig: !basic });
    if (basic) {
      const body: RunsBasicPage = { total, offset: q.offset, limit: q.limit, items: runs.map((x) => ({ id: x.id, name: x.name, method: x.method, status: x.status, seed: x.seed, startedAt: x.startedAt })) };
      res.json(body);
      return;
    }
    const items = summarizeRuns(store, runs);
    const configKeys = [...new Set(items.flatMap((i) => Object.keys(i.config)))].sort();
    const columns = pageColumns(items);
    // Config columns the user picked (the UI's column chooser), else the ones that vary.
    const picked = keyList(req.query, 'cols', 'config column');
    if (picked) columns.config = picked;
    const sortKey = q.sort && typeof q.sort === 'object' && 'config' in q.sort ? q.sort.config : undefined;
    if (sortKey && !columns.config.includes(sortKey)) columns.config.unshift(sortKey);
    if (str(req.query, 'format') === 'csv') {
      // Every column the page could show, for the rows of this page (use limit up to 1000).
      const all = { config: [...new Set([...columns.config, ...columns.available.config])], metrics: columns.available.metrics, evals: columns.available.evals };
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="runs.csv"');
      res.send(runsCsv(items, all));
      return;
    }
    // Send only the config values the table shows (full configs are on the run page).
    const shown = new Set([...columns.config, ...Object.keys(q.config ?? {})]);
    for (const it of items) it.config = Object.fromEntries(Object.entries(it.config).filter(([k]) => shown.has(k)));
    const body: RunsPage = { total, offset: q.offset, limit: q.limit, items, columns, facets: facets(ctx, configKeys) };
    res.json(body);
  });

  r.get('/groups', (req, res) => {
    const filter = parseRunFilter(req.query);
    const limit = int(req.query, 'limit', 50, 1, 1000);
    const offset = int(req.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    // by=<keys>: group by those config keys' values, averaging over everything else.
    const by = keyList(req.query, 'by', 'group key');
    for (const k of by ?? []) if (!/^[A-Za-z0-9_.-]+$/.test(k)) throw badRequest(`by: "${k}" is not a config key (use dotted keys such as method,model.nz)`);
    const { total, page } = groupPage(store, filter, offset, limit, parseGroupSort(str(req.query, 'sort')), str(req.query, 'order') === 'asc' ? 'asc' : 'desc', by);
    // One representative per group (its newest run) decides the columns and shows the config.
    const reps = page.length ? store.listRuns({ ids: page.map((g) => g.members[0].id) }).runs : [];
    const repById = new Map(reps.map((x) => [x.id, x]));
    const summaries = summarizeRuns(store, reps);
    const columns = pageColumns(summaries);
    columns.config = by ?? (keyList(req.query, 'cols', 'config column') ?? columns.config).filter((k) => k !== 'seed');
    const memberIds = page.flatMap((g) => g.members.map((m) => m.id));
    const lasts = lastValues(store, memberIds, columns.metrics);
    const evals = evalValues(store, memberIds);
    const items = page.map((g) => {
      const rep = repById.get(g.members[0].id);
      const statuses: Record<string, number> = {};
      for (const m of g.members) statuses[m.status] = (statuses[m.status] ?? 0) + 1;
      return groupView(
        { groupKey: g.groupKey, configFilter: g.configFilter, n: g.members.length, runIds: g.members.map((m) => m.id), seeds: g.members.map((m) => m.seed), method: g.members[0].method, config: rep?.config ?? {}, statuses, metrics: { ...groupStats(g.members, columns.metrics, lasts), ...groupStats(g.members, columns.evals, evals) } },
        new Map(g.members.map((m) => [m.id, m])),
        columns.metrics,
        columns.evals,
      );
    });
    const configKeys = [...new Set(summaries.flatMap((i) => Object.keys(i.config)))].sort();
    const body: RunGroupsPage = { total, offset, limit, items, columns, facets: facets(ctx, configKeys) };
    res.json(body);
  });

  r.get('/:id', (req, res) => {
    const run = getRunOr404(ctx, req.params.id);
    const [summary] = summarizeRuns(store, [run]);
    if (!summary) throw new Error(`run ${run.id}: no summary`); // one run in, one summary out
    const lastStep = Object.values(summary.metrics).reduce<number | null>((m, c) => (m === null || c.step > m ? c.step : m), null);
    const fr = store.foolingRate(run.id);
    const body: RunDetail = {
      run,
      metrics: summary.metrics,
      lastStep,
      evals: store.evalResults({ runId: run.id }).map((e) => ({ ...e, value: finiteOrNull(e.value) })),
      foolingRate: { ...fr, rate: finiteOrNull(fr.rate) },
      checkpoints: listCheckpoints(run.id, realRunFolder(ctx.runsRoot, run.id)),
    };
    res.json(body);
  });

  // Edit what a researcher annotates: name, tags, notes (W&B-style). JSON only (see security.ts).
  r.patch('/:id', express.json({ limit: '64kb' }), (req, res) => {
    const run = getRunOr404(ctx, req.params.id);
    const b = (req.body ?? {}) as { name?: unknown; tags?: unknown; notes?: unknown };
    if (b.name !== undefined && (typeof b.name !== 'string' || b.name.length > 200)) throw badRequest('name must be a string of at most 200 characters');
    if (b.tags !== undefined && (!Array.isArray(b.tags) || b.tags.length > 50 || !b.tags.every((t) => typeof t === 'string' && t.trim() !== '' && t.length <= 100))) {
      throw badRequest('tags must be a list of at most 50 non-empty strings of at most 100 characters');
    }
    if (b.notes !== undefined && b.notes !== null && (typeof b.notes !== 'string' || b.notes.length > 10_000)) throw badRequest('notes must be a string of at most 10000 characters (or null)');
    store.write(() => {
      if (typeof b.name === 'string') store.renameRun(run.id, b.name.trim());
      if (Array.isArray(b.tags)) store.setTags(run.id, [...new Set((b.tags as string[]).map((t) => t.trim()))]);
      if (b.notes !== undefined) store.setNotes(run.id, (b.notes as string | null) || null);
    });
    ctx.notifyChange([run.id]);
    const body: RunPatched = { run: getRunOr404(ctx, run.id) };
    res.json(body);
  });

  // The end of the run's train.log (the trainer's own log file), for the run page.
  r.get('/:id/log', (req, res) => {
    const run = getRunOr404(ctx, req.params.id);
    const lines = int(req.query, 'tail', 200, 1, 5000);
    const body: RunLog = { runId: run.id, ...tailLog(realRunFolder(ctx.runsRoot, run.id), lines) };
    res.json(body);
  });

  r.get('/:id/metrics', (req, res) => {
    const run = getRunOr404(ctx, req.params.id);
    const keys = keyList(req.query, 'keys', 'metric key') ?? store.metricKeys(run.id);
    const points = int(req.query, 'points', 1000, 4, 20000);
    const stepMin = str(req.query, 'stepMin') ? int(req.query, 'stepMin', 0, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) : undefined;
    const stepMax = str(req.query, 'stepMax') ? int(req.query, 'stepMax', 0, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) : undefined;
    const series = keys.map((key): MetricSeries => {
      const s = store.metricSeries(run.id, key, { maxPoints: points, stepMin, stepMax });
      return { key, total: s.total, downsampled: s.downsampled, steps: s.points.map((p) => p.step), values: s.points.map((p) => finiteOrNull(p.value)), times: s.points.map((p) => p.wallTime) };
    });
    const body: RunMetrics = { runId: run.id, series: series.filter((s) => s.total > 0) };
    res.json(body);
  });

  r.get('/:id/images', (req, res) => {
    const run = getRunOr404(ctx, req.params.id);
    const dir = realRunFolder(ctx.runsRoot, run.id);
    const images = store
      .listArtifacts(run.id)
      .filter((a) => IMAGE_FILE.test(a.path))
      .flatMap((a): RunImage[] => {
        const rel = relativeToRun(dir, a.path);
        return rel === null ? [] : [{ step: a.step, kind: a.kind, path: rel, url: fileUrl(run.id, rel), meta: a.meta }];
      });
    const body: RunImages = { runId: run.id, images };
    res.json(body);
  });

  r.get('/:id/checkpoints', (req, res) => {
    const run = getRunOr404(ctx, req.params.id);
    const body: RunCheckpoints = { runId: run.id, checkpoints: listCheckpoints(run.id, realRunFolder(ctx.runsRoot, run.id)) };
    res.json(body);
  });

  // Any file inside the run folder (images, checkpoints, logs): resolved and prefix-checked.
  r.get('/:id/files/*path', (req, res) => {
    const run = getRunOr404(ctx, req.params.id);
    const parts = (req.params as unknown as { path: string[] | string }).path;
    const rel = Array.isArray(parts) ? parts.join('/') : parts;
    const file = resolveInside(realRunFolder(ctx.runsRoot, run.id), rel);
    res.sendFile(file, { dotfiles: 'allow', headers: { 'Cache-Control': 'private, max-age=60' } });
  });

  return r;
}
