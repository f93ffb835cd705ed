// The end-of-sweep table (and `workbench sweep status`): one row per job with its status, axes,
// duration and headline metrics (eval results first, then the last value of training losses).
import { formatDuration, formatTable } from '@workbench/text';
import type { JobStatus, SweepWithJobs, TrackingStore } from '@workbench/tracking';

/** Training losses worth a column when no eval result exists yet, in order of preference. */
const HEADLINE_TRAIN_KEYS = ['G_L1', 'z_L1', 'kl', 'G_GAN', 'G_GAN2', 'D', 'D2'];
const MAX_METRIC_COLUMNS = 4;

export interface SummaryRow {
  index: number;
  jobId: string;
  /** The job's status, or its run's when the run is live or crashed (both job statuses too). */
  status: JobStatus;
  runId: string | null;
  axes: Record<string, string>;
  durationMs: number | null;
  metrics: Record<string, number>;
  reason: string | null;
}

/** `key=value` of a job's overrides for the sweep's axes. */
export function axesOf(overrides: readonly string[], axisKeys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of axisKeys) {
    const hit = [...overrides].reverse().find((o) => o.replace(/^\+{1,2}/, '').startsWith(`${key}=`));
    if (hit) out[key] = hit.slice(hit.indexOf('=') + 1);
  }
  return out;
}

export function summaryRows(store: TrackingStore, sweep: SweepWithJobs): SummaryRow[] {
  const axisKeys = Object.keys(sweep.grid);
  const runIds = sweep.jobs.map((j) => j.runId).filter((r): r is string => r !== null);
  const metrics = new Map<string, Record<string, number>>();
  const put = (runId: string, key: string, value: number) => {
    const m = metrics.get(runId) ?? {};
    m[key] = value;
    metrics.set(runId, m);
  };
  if (runIds.length > 0) {
    for (const e of store.evalResults({ runIds })) put(e.runId, e.metric, e.value);
    const evalKeys = new Set([...metrics.values()].flatMap((m) => Object.keys(m)));
    const room = MAX_METRIC_COLUMNS - evalKeys.size;
    if (room > 0) {
      const summaries = store.metricSummaries(runIds);
      const present = new Set(summaries.map((s) => s.key));
      const keys = HEADLINE_TRAIN_KEYS.filter((k) => present.has(k)).slice(0, room);
      for (const s of summaries) if (keys.includes(s.key)) put(s.runId, s.key, s.last);
    }
  }
  // A job's time is its run's own duration (start to end as the run recorded it, across resumes):
  // the job's start/end are when the launcher noticed them, for Slurm rounded to its poll interval.
  // Jobs without a run (failed before creating one) keep the launcher's times.
  const runDurations = new Map<string, number>();
  for (const id of runIds) {
    const run = store.getRun(id);
    if (run) runDurations.set(id, run.durationMs);
  }
  return sweep.jobs.map((j) => ({
    index: j.index,
    jobId: j.jobId,
    status: j.runStatus === 'crashed' || j.runStatus === 'running' ? j.runStatus : j.status,
    runId: j.runId,
    axes: axesOf(j.overrides, axisKeys),
    durationMs: (j.runId !== null ? runDurations.get(j.runId) : undefined) ?? (j.startedAt !== null && j.endedAt !== null ? j.endedAt - j.startedAt : null),
    metrics: (j.runId && metrics.get(j.runId)) || {},
    reason: j.status === 'finished' ? null : j.exitReason,
  }));
}

const fmt = (v: number) => (Number.isNaN(v) ? 'NaN' : Math.abs(v) >= 1000 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(4));

/** A plain-text table: aligned columns, failed jobs' reasons underneath. */
export function formatSummary(rows: SummaryRow[]): string {
  const axisKeys = [...new Set(rows.flatMap((r) => Object.keys(r.axes)))];
  // Eval metrics first (alphabetical), then training losses in headline order.
  const rank = (k: string) => (HEADLINE_TRAIN_KEYS.includes(k) ? 1 + HEADLINE_TRAIN_KEYS.indexOf(k) : 0);
  const metricKeys = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const header = ['#', 'job', 'status', ...axisKeys, 'time', 'run', ...metricKeys];
  const body = rows.map((r) => [
    String(r.index),
    r.jobId,
    r.status,
    ...axisKeys.map((k) => r.axes[k] ?? ''),
    formatDuration(r.durationMs),
    r.runId ?? '-',
    ...metricKeys.map((k) => (r.metrics[k] === undefined ? '' : fmt(r.metrics[k]))),
  ]);
  const out = [formatTable(header, body, { rule: true })];
  const reasons = rows.filter((r) => r.reason && r.status !== 'finished');
  if (reasons.length > 0) out.push('', ...reasons.map((r) => `job ${r.index} (${r.jobId}) ${r.status}: ${r.reason}`));
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  out.push('', `${rows.length} jobs: ${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ')}`);
  return out.join('\n');
}
