// The runs table as CSV (what the page shows, all matching rows): one line per run with its
// config columns, the last value of each metric and each eval result. Text cells that a
// spreadsheet would evaluate as a formula (=, +, -, @) are prefixed with an apostrophe.
import type { Columns, RunSummary } from './run-views.js';

function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function runsCsv(items: RunSummary[], columns: Pick<Columns, 'config' | 'metrics' | 'evals'>): string {
  // seed has its own column; as a config column it would appear twice.
  columns = { ...columns, config: columns.config.filter((k) => k !== 'seed') };
  const head = ['id', 'name', 'method', 'status', 'exit_reason', 'seed', 'started_at', 'duration_s', 'tags', ...columns.config, ...columns.metrics.map((k) => `${k} (last)`), ...columns.evals];
  const lines = [head.map(field).join(',')];
  for (const r of items) {
    lines.push(
      [
        r.id, r.name, r.method, r.status, r.exitReason, r.seed, new Date(r.startedAt).toISOString(), (r.durationMs / 1000).toFixed(1), r.tags.join(' '),
        ...columns.config.map((k) => r.config[k]),
        ...columns.metrics.map((k) => r.metrics[k]?.last),
        ...columns.evals.map((k) => r.evals[k]?.value),
      ].map(field).join(','),
    );
  }
  return lines.join('\n') + '\n';
}
