// The tables shown for a sweep. Today: the results-by-configuration table built here from the
// store (eval metrics and fooling rates, mean ± std over seeds). When @workbench/metrics exports
// its paper-layout table builders, they are added here in the same PaperTable shape.
import type { SweepWithJobs, TrackingStore } from '@workbench/tracking';
import { sweepResultsTable, type PaperTable } from './sweep-tables.js';

export async function sweepTables(store: TrackingStore, sweep: SweepWithJobs): Promise<PaperTable[]> {
  const results = sweepResultsTable(store, sweep.id, sweep.grid);
  return results ? [results] : [];
}
