// The JSON bodies the dashboard reads from /api, for the JSDoc of the plain-JS pages. Shapes the
// server exports are imported from it; the rest are written inline in a route's `res.json(...)`
// and are mirrored here, each with the route file it mirrors (keep them in step).
import type { ConfigDiffRow, EvalResultRow, FoolingRate, JudgmentCount, JudgmentRow, RunRow, RunStatus, SweepRow, SweepWithJobs } from '@workbench/tracking';
import type { BandCurve } from '../server/group-curves.ts';
import type { ExplorerInfo } from '../server/generator-service.ts';
import type { HparamColumn, HparamPoint, HparamValue } from '../server/hparam-points.ts';
import type { PaperTable } from '../server/paper-tables.ts';
import type { CheckpointView } from '../server/run-files.ts';
import type { Columns, GroupView, MetricCell, RunSummary, StatView } from '../server/run-views.ts';

export type { BandCurve, CheckpointView, Columns, ConfigDiffRow, ExplorerInfo, GroupView, HparamColumn, HparamPoint, HparamValue, MetricCell, PaperTable, RunRow, RunStatus, RunSummary, StatView, SweepWithJobs };

/** JSON has no NaN: the server sends a non-finite number as null (run-views.ts `finiteOrNull`). */
type FiniteOrNull<T, K extends keyof T> = Omit<T, K> & { [P in K]: number | null };

// ---- routes/runs-routes.ts ----

/** `facets` of GET /api/runs and /api/runs/groups: the filter menus. */
export interface RunFacets {
  methods: string[];
  configKeys: string[];
  statuses: readonly RunStatus[];
}

/** GET /api/runs: one page of the runs table. */
export interface RunsPage {
  total: number;
  offset: number;
  limit: number;
  items: RunSummary[];
  columns: Columns;
  facets: RunFacets;
}

/** GET /api/runs/groups: one page of groups (runs sharing a config up to the seed, or `by` keys). */
export interface RunGroupsPage {
  total: number;
  offset: number;
  limit: number;
  items: GroupView[];
  columns: Columns;
  facets: RunFacets;
}

/** A run as the short lists send it (GET /api/runs?fields=basic). */
export type RunBasic = Pick<RunRow, 'id' | 'name' | 'method' | 'status' | 'seed' | 'startedAt'>;

/** GET /api/runs?fields=basic. */
export interface RunsBasicPage {
  total: number;
  offset: number;
  limit: number;
  items: RunBasic[];
}

/** GET /api/runs/:id: the run page. */
export interface RunDetail {
  run: RunRow;
  metrics: Record<string, MetricCell>;
  lastStep: number | null;
  evals: FiniteOrNull<EvalResultRow, 'value'>[];
  foolingRate: FiniteOrNull<FoolingRate, 'rate'>;
  checkpoints: CheckpointView[];
}

/** PATCH /api/runs/:id. */
export interface RunPatched {
  run: RunRow;
}

/** GET /api/runs/:id/log (run-files.ts `tailLog`). */
export interface RunLog {
  runId: string;
  exists: boolean;
  bytes?: number;
  lines: string[];
}

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

// ---- routes/lifecycle-routes.ts ----

/** POST /api/runs/archive and /api/runs/restore. */
export interface RunsChanged {
  changed: number;
}

/** POST /api/runs/delete. */
export interface RunsDeleted {
  deleted: number;
}

// ---- routes/compare-routes.ts ----

/** GET /api/compare. */
export interface ComparePayload {
  runs: RunSummary[];
  /** The eval results present, named and ordered as in the paper tables. */
  evals: Array<{ key: string; label: string; better: 'higher' | 'lower' | null }>;
  diff: ConfigDiffRow[];
  groups: Array<{ groupKey: string; label: string; runIds: string[] }>;
}

/** GET /api/compare/metrics: per metric key, one series per run. */
export interface CompareMetrics {
  keys: string[];
  series: Record<string, Array<{ runId: string; steps: number[]; values: (number | null)[]; times: number[] }>>;
}

/** GET /api/compare/bands: per metric key, one mean curve per group. */
export interface CompareBands {
  keys: string[];
  bands: Record<string, Array<{ groupKey: string; label: string; runs: number } & BandCurve>>;
}

// ---- routes/sweeps-routes.ts ----

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

// ---- routes/hparams-routes.ts ----

/** GET /api/hparams. */
export interface HparamsPayload {
  total: number;
  truncated: boolean;
  columns: HparamColumn[];
  points: HparamPoint[];
}

// ---- routes/explorer-routes.ts ----

/** A run of GET /api/explorer: one with a checkpoint. */
export interface ExplorableRun {
  id: string;
  name: string;
  method: string;
  seed: number | null;
  status: RunStatus;
  checkpointStep: number;
}

/** GET /api/explorer. */
export interface ExplorableRuns {
  runs: ExplorableRun[];
}

/** GET /api/explorer/:runId. */
export type ExplorerRunInfo = { runId: string } & ExplorerInfo;

/** POST /api/explorer/:runId/generate: a PNG data URL per z. */
export interface Generated {
  images: string[];
  z: number[][];
}

/** POST /api/explorer/:runId/encode (generator-service.ts `encode`). */
export interface Encoded {
  z: number[];
  logvar: number[];
}

// ---- routes/realism-routes.ts, routes/realism-answers-routes.ts ----

/** A run as the realism study names it. */
export type RunName = Pick<RunRow, 'id' | 'name' | 'method' | 'seed'>;

/** GET /api/realism/summary. */
export interface RealismSummary {
  rates: FiniteOrNull<FoolingRate, 'rate'>[];
  runs: RunName[];
}

/** GET /api/realism/:runId/pair: a real and a generated image (data URLs) and the pair's signature. */
export interface RealismPair {
  runId: string;
  real: { ref: string; url: string };
  fake: { ref: string; url: string };
  sig: string;
}

/** GET /api/realism/answers. */
export interface RealismAnswers {
  counts: JudgmentCount[];
  runs: RunName[];
  answers?: JudgmentRow[];
}

// ---- live-events.ts ----

/** The `change` event of /api/events: runs touched since the last tick, whether sweeps changed,
 *  and `global` for changes not tied to a listed run. */
export interface LiveChange {
  at: number;
  runIds: string[];
  sweeps: boolean;
  global: boolean;
}
