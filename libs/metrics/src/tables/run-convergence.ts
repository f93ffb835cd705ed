// Convergence verdicts of runs from their eval_every curves in the tracking store (the rule:
// stats/convergence.ts). The tables flag rows with a run that has not converged.
import type { TrackingStore } from '@workbench/tracking';
import { curveConvergence, type Convergence } from '../stats/convergence.js';

/** The curve judged per run: the first of these series the run has. */
export const CONVERGENCE_SERIES = ['eval_mode_coverage', 'eval_reconstruction_l1', 'eval_diversity_l1'] as const;

/** Verdict per run id (runs without any of the curves are left out). */
export function runConvergence(store: TrackingStore, runIds: string[]): Record<string, Convergence & { series: string }> {
  const out: Record<string, Convergence & { series: string }> = {};
  for (const id of runIds) {
    const keys = new Set(store.metricKeys(id));
    const series = CONVERGENCE_SERIES.find((k) => keys.has(k));
    if (!series) continue;
    const { points } = store.metricSeries(id, series, { maxPoints: 100_000 });
    out[id] = { ...curveConvergence(points.map((p) => p.step), points.map((p) => p.value)), series };
  }
  return out;
}
