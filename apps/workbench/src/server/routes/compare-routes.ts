// /api/compare: 2+ runs side by side: the config keys that differ, overlaid series, and mean bands
// with pointwise 95 % CIs (and the std) for runs sharing a config up to the seed.
import express, { type Router } from 'express';
import { configDiff, flattenConfig, groupOverSeeds, nullProto, type RunRow, type TrackingStore } from '@workbench/tracking';
import { badRequest } from '../http-error.js';
import { int, keyList, list } from '../query-params.js';
import { groupCurve } from '../group-curves.js';
import { evalMetricBetter, evalMetricLabel } from '@workbench/metrics';
import { finiteOrNull, pageColumns, summarizeRuns } from '../run-views.js';
import type { ServerContext } from '../server-context.js';
import { getRunOr404 } from './runs-routes.js';

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
    res.json({
      runs: summaries,
      evals: evalKeys.map((key) => ({ key, label: evalMetricLabel(key), better: evalMetricBetter(key) ?? null })),
      diff,
      groups: groups.map(({ groupKey, runs: members }) => ({ groupKey, label: groupLabel(members, diff.map((d) => d.key)), runIds: members.map((m) => m.id) })),
    });
  });

  r.get('/metrics', (req, res) => {
    const runs = runsOf(ctx, req.query);
    const points = int(req.query, 'points', 600, 4, 20000);
    const keys = metricKeysOf(store, req.query, runs);
    const series = nullProto<Array<{ runId: string; steps: number[]; values: (number | null)[]; times: number[] }>>();
    for (const key of keys) {
      series[key] = runs
        .map((x) => ({ runId: x.id, s: store.metricSeries(x.id, key, { maxPoints: points }) }))
        .filter(({ s }) => s.total > 0)
        .map(({ runId, s }) => ({ runId, steps: s.points.map((p) => p.step), values: s.points.map((p) => finiteOrNull(p.value)), times: s.points.map((p) => p.wallTime) }));
    }
    res.json({ keys: keys.filter((k) => series[k]?.length), series });
  });

  r.get('/bands', (req, res) => {
    const runs = runsOf(ctx, req.query);
    const bins = int(req.query, 'points', 300, 4, 5000);
    const keys = metricKeysOf(store, req.query, runs);
    const diffKeys = configDiff(runs.map((x) => x.config)).map((d) => d.key);
    const groups = groupOverSeeds(runs, { order: 'given' });
    const bands = nullProto<Array<{ groupKey: string; label: string; runs: number } & ReturnType<typeof groupCurve>>>();
    for (const key of keys) {
      bands[key] = groups
        .map(({ groupKey, runs: members }) => {
          const curve = groupCurve(store, members.map((m) => m.id), key, bins);
          return { groupKey, label: groupLabel(members, diffKeys), runs: members.length, ...curve };
        })
        .filter((b) => b.steps.length);
    }
    res.json({ keys: keys.filter((k) => bands[k]?.length), bands });
  });

  return r;
}
