// Archive and restore: an archived run or sweep keeps everything it logged but drops out of the
// default listings (dashboard runs table, sweeps list). Archiving a sweep archives its runs with
// it, and restoring it restores them, so a finished study can be put away in one step.
import type { StoreContext } from './store-context.js';

const inList = (ids: string[]) => ids.map(() => '?').join(',');

/** Archive runs (already archived ones keep their date). Returns how many changed. */
export function archiveRuns(ctx: StoreContext, runIds: string[], at: number = Date.now()): number {
  if (runIds.length === 0) return 0;
  return ctx.write(() => ctx.db.prepare(`UPDATE runs SET archived_at = ? WHERE archived_at IS NULL AND id IN (${inList(runIds)})`).run(at, ...runIds).changes);
}

/** Bring archived runs back into the listings. Returns how many changed. */
export function restoreRuns(ctx: StoreContext, runIds: string[]): number {
  if (runIds.length === 0) return 0;
  return ctx.write(() => ctx.db.prepare(`UPDATE runs SET archived_at = NULL WHERE archived_at IS NOT NULL AND id IN (${inList(runIds)})`).run(...runIds).changes);
}

/** Archive a sweep and its runs. Returns false for an unknown sweep. */
export function archiveSweep(ctx: StoreContext, sweepId: string, at: number = Date.now()): boolean {
  return ctx.write(() => {
    const found = ctx.db.prepare('UPDATE sweeps SET archived_at = coalesce(archived_at, ?) WHERE id = ?').run(at, sweepId).changes > 0;
    if (found) ctx.db.prepare('UPDATE runs SET archived_at = ? WHERE sweep_id = ? AND archived_at IS NULL').run(at, sweepId);
    return found;
  });
}

/** Restore a sweep and its runs. Returns false for an unknown sweep. */
export function restoreSweep(ctx: StoreContext, sweepId: string): boolean {
  return ctx.write(() => {
    const found = ctx.db.prepare('UPDATE sweeps SET archived_at = NULL WHERE id = ?').run(sweepId).changes > 0;
    if (found) ctx.db.prepare('UPDATE runs SET archived_at = NULL WHERE sweep_id = ?').run(sweepId);
    return found;
  });
}
