// /api/compare: 2+ runs side by side: the config keys that differ, overlaid series, and mean bands
// with pointwise 95 % CIs (and the std) for runs sharing a config up to the seed.
import express, { type Router } from 'express';
import { configDiff, flattenConfig, groupOverSeeds, nullProto, type ConfigDiffRow, type RunRow, type TrackingStore } from '@workbench/tracking';
import { badRequest } from '../http-error.js';
import { int, keyList, list } from '../query-params.js';
import { groupCurve, type BandCurve } from '../group-curves.js';
import { evalMetricBetter, evalMetricLabel } from '@workbench/metrics';
import { finiteOrNull, pageColumns, summarizeRuns, type RunSummary } from '../run-views.js';
import type { ServerContext } from '../server-context.js';
import { getRunOr404 } from './runs-routes.js';

// The JSON bodies of these routes (the dashboard's JSDoc imports them through ui/api-payloads.d.ts).

/** An eval result present in the compared runs, named and ordered as in the paper tables. */
export interface CompareEval {
  key: string;
  label: string;
  better: 'higher' | 'lower' | null;
}

/** Compared runs sharing a config up to the seed. */
export interface CompareGroup {
  groupKey: string;
  label: string;
  runIds: string[];
}

/** GET /api/compare. */
export interface ComparePayload {
  runs: RunSummary[];
  evals: CompareEval[];
  diff: ConfigDiffRow[];
  groups: CompareGroup[];
}

/** One run's series of a metric in GET /api/compare/metrics. */
export interface RunSeries {
  runId: string;
  steps: number[];
  values: (number | null)[];
  times: number[];
}

/** GET /api/compare/metrics: per metric key, one series per run. */
export interface CompareMetrics {
  keys: string[];
  series: Record<string, RunSeries[]>;
}

/** One group's mean curve of a metric in GET /api/compare/bands. */
export type GroupBand = { groupKey: string; label: string; runs: number } & BandCurve;

/** GET /api/compare/bands: per metric key, one mean curve per group. */
export interface CompareBands {
  keys: string[];
  bands: Record<string, GroupBand[]>;
}

const MAX_COMPARE = 50;

function runsOf(ctx: ServerContext, q: Record<string, unknown>): RunRow[] {
  const ids = list(q, 'ids') ?? [];
  if (ids.length < 1) throw badRequest('ids must list the runs to compare: ids=<id>,<id>');
  if (ids.length > MAX_COMPARE) throw badRequest(`at most ${MAX_COMPARE} runs can be compared at once`);
  return [...new Set(ids)].map((id) => getRunOr404(ctx, id));
}

/** The metric keys asked for (`keys=a,b`), else every key any of the runs logged. */
function metricKeysOf(store: TrackingStore, q: Record<string, unknown>, runs: RunRow[]): string[] {
  return keyList(q, 'keys', 'metric key') ?? [...new Set(runs.flatMap((x) => store.metricKeys(x.id)))].sort();
}

/** Label for a group: its method plus the differing config values that are not the seed. */
function groupLabel(runs: RunRow[], diffKeys: string[]): string {
  const [first] = runs;
  if (!first) return '';
  const flat = flattenConfig(first.config);
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));
  const parts = diffKeys.filter((k) => k !== 'seed' && k !== 'name' && k !== 'method').map((k) => `${k}=${show(flat[k])}`);
  return [first.method, ...parts].join(' ');
}

export function compareRouter(ctx: ServerContext): Router {
  const r = express.Router();
  const { store } = ctx;

  r.get('/', (req, res) => {
    const runs = runsOf(ctx, req.query);
    // A key missing in some runs counts as different; JSON sends its missing values as null.
    const diff = configDiff(runs.map((x) => x.config));
    const groups = groupOverSeeds(runs, { order: 'given' });
    const summaries = summarizeRuns(store, runs);
    // The eval results side by side, named and ordered as in the paper tables.
    const evalKeys = pageColumns(summaries).available.evals;
    const body: ComparePayload = {
      runs: summaries,
      evals: evalKeys.map((key) => ({ key, label: evalMetricLabel(key), better: evalMetricBetter(key) ?? null })),
      diff,
      groups: groups.map(({ groupKey, runs: members }) => ({ groupKey, label: groupLabel(members, diff.map((d) => d.key)), runIds: members.map((m) => m.id) })),
    };
    res.json(body);
  });

  r.get('/metrics', (req, res) => {
    const runs = runsOf(ctx, req.query);
    const points = int(req.query, 'points', 600, 4, 20000);
    const keys = metricKeysOf(store, req.query, runs);
    const series = nullProto<RunSeries[]>();
    for (const key of keys) {
      series[key] = runs
        .map((x) => ({ runId: x.id, s: store.metricSeries(x.id, key, { maxPoints: points }) }))
        .filter(({ s }) => s.total > 0)
        .map(({ runId, s }) => ({ runId, steps: s.points.map((p) => p.step), values: s.points.map((p) => finiteOrNull(p.value)), times: s.points.map((p) => p.wallTime) }));
    }
    const body: CompareMetrics = { keys: keys.filter((k) => series[k]?.length), series };
    res.json(body);
  });

  r.get('/bands', (req, res) => {
    const runs = runsOf(ctx, req.query);
    const bins = int(req.query, 'points', 300, 4, 5000);
    const keys = metricKeysOf(store, req.query, runs);
    const diffKeys = configDiff(runs.map((x) => x.config)).map((d) => d.key);
    const groups = groupOverSeeds(runs, { order: 'given' });
    const bands = nullProto<GroupBand[]>();
    for (const key of keys) {
      bands[key] = groups
        .map(({ groupKey, runs: members }) => {
          const curve = groupCurve(store, members.map((m) => m.id), key, bins);
          return { groupKey, label: groupLabel(members, diffKeys), runs: members.length, ...curve };
        })
        .filter((b) => b.steps.length);
    }
    const body: CompareBands = { keys: keys.filter((k) => bands[k]?.length), bands };
    res.json(body);
  });

  return r;
}
