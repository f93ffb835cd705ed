// Ids that sort by creation time and are readable in a folder listing: `20261128-081021-3fa9c2d1`.
import { randomBytes } from 'node:crypto';

function stamp(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}` +
    `-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`
  );
}

/** A new run id (also the run folder name under `train.runs_dir`). */
export function newRunId(now: Date = new Date()): string {
  return `${stamp(now)}-${randomBytes(4).toString('hex')}`;
}

/** A new sweep id: `sweep-<stamp>-<hex>`. */
export function newSweepId(now: Date = new Date()): string {
  return `sweep-${stamp(now)}-${randomBytes(4).toString('hex')}`;
}
