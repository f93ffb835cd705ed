// Mean curves over the seeds of a group with pointwise 95 % Student-t intervals, in the API's
// column shape. The bands are the tracking store's `groupSeries` (runs aligned on a common grid of
// step buckets: each run contributes its mean per bucket, std is the sample std across runs, n
// how many runs reached it); half = t(0.975, n − 1) · std / √n.
import { studentTQuantile } from '@workbench/metrics/stats';
import type { TrackingStore } from '@workbench/tracking';

export interface BandCurve {
  steps: number[];
  mean: (number | null)[];
  std: (number | null)[];
  /** half-width of the 95 % confidence interval of the mean (0 where n < 2) */
  half: (number | null)[];
  n: number[];
}

export function groupCurve(store: TrackingStore, runIds: string[], key: string, bins: number): BandCurve {
  const { points } = store.groupSeries(runIds, key, { maxPoints: bins });
  return {
    // A bucket's step is the mean of the steps in it: the logged step when runs log the same steps.
    steps: points.map((p) => Math.round(p.step)),
    mean: points.map((p) => p.mean),
    // One run in a bucket: no spread to draw (the store says NaN, JSON cannot carry it).
    std: points.map((p) => (p.n > 1 ? p.std : 0)),
    half: points.map((p) => (p.n > 1 && Number.isFinite(p.std) ? (studentTQuantile(0.975, p.n - 1) * p.std) / Math.sqrt(p.n) : 0)),
    n: points.map((p) => p.n),
  };
}
