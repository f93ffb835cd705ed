// @ts-check
// The one duration format of the workbench: `42s`, `3m07s`, `1h05m` (whole seconds, rounded).
// Plain JavaScript so that the dashboard imports this very file (served at
// /vendor/format-duration.js) and the CLI, the trainer and the dashboard never disagree;
// TypeScript reads its types from format-duration.d.ts.

/**
 * `ms` milliseconds as `42s`, `3m07s` or `1h05m`; `missing` for null, undefined or a value that
 * is not finite (an unknown ETA, a run that never ended).
 * @param {number | null | undefined} ms
 * @param {string} [missing]
 * @returns {string}
 */
export function formatDuration(ms, missing = '-') {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return missing;
  const s = Math.max(0, Math.round(ms / 1000));
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${two(Math.floor((s % 3600) / 60))}m`;
}
