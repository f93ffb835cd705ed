// Mean ± std curves over the seeds of a group. Seeds log at the same steps in practice, but a
// crashed or still-running seed stops early and downsampled series have different steps, so the
// curves are aligned on a common grid of step bins: each run contributes its mean per bin, then
// bins are averaged across runs (std is the sample std across runs, n how many runs reached it).
import type { TrackingStore } from '@workbench/tracking';

export interface BandCurve {
  steps: number[];
  mean: (number | null)[];
  std: (number | null)[];
  n: number[];
}

export function groupCurve(store: TrackingStore, runIds: string[], key: string, bins: number): BandCurve {
  const series = runIds.map((id) => store.metricSeries(id, key, { maxPoints: bins * 2 }).points).filter((p) => p.length > 0);
  if (!series.length) return { steps: [], mean: [], std: [], n: [] };
  let lo = Infinity;
  let hi = -Infinity;
  for (const pts of series) {
    lo = Math.min(lo, pts[0].step);
    hi = Math.max(hi, pts[pts.length - 1].step);
  }
  const nb = Math.max(1, Math.min(bins, hi - lo + 1));
  const width = (hi - lo + 1) / nb;
  const perRun = series.map((pts) => {
    const sum = new Float64Array(nb);
    const cnt = new Uint32Array(nb);
    for (const p of pts) {
      if (!Number.isFinite(p.value)) continue;
      const b = Math.min(nb - 1, Math.floor((p.step - lo) / width));
      sum[b] += p.value;
      cnt[b]++;
    }
    return Array.from(sum, (s, b) => (cnt[b] ? s / cnt[b] : null));
  });
  const out: BandCurve = { steps: [], mean: [], std: [], n: [] };
  for (let b = 0; b < nb; b++) {
    const xs = perRun.map((r) => r[b]).filter((v): v is number => v !== null);
    if (!xs.length) continue;
    const mean = xs.reduce((a, c) => a + c, 0) / xs.length;
    const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, c) => a + (c - mean) ** 2, 0) / (xs.length - 1)) : 0;
    out.steps.push(Math.round(lo + (b + 0.5) * width - 0.5));
    out.mean.push(mean);
    out.std.push(std);
    out.n.push(xs.length);
  }
  return out;
}
