// Mean ± std curves over the seeds of a group, in the API's column shape. The bands are the
// tracking store's `groupSeries` (runs aligned on a common grid of step buckets: each run
// contributes its mean per bucket, std is the sample std across runs, n how many runs reached it).
import type { TrackingStore } from '@workbench/tracking';

export interface BandCurve {
  steps: number[];
  mean: (number | null)[];
  std: (number | null)[];
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
    n: points.map((p) => p.n),
  };
}
