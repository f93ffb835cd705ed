// Display names of evaluation results, as the paper tables print them, so the dashboard's runs
// table, scatter and parallel-coordinates axes say "LPIPS v0.0 diversity" exactly like the tables.
import { EVAL_METRICS } from '../evaluate/eval-results.js';

/** Name and better direction of each eval result (no direction: a reference number). */
const KNOWN: Record<string, { label: string; better?: 'higher' | 'lower' }> = {
  [EVAL_METRICS.diversityL1]: { label: 'L1 diversity', better: 'higher' },
  [EVAL_METRICS.realPairsL1]: { label: 'real pairs L1' },
  [EVAL_METRICS.reconstructionL1]: { label: 'reconstruction L1', better: 'lower' },
  [EVAL_METRICS.encodedModeAccuracy]: { label: 'encoded fills correct', better: 'higher' },
  [EVAL_METRICS.modeCoverage]: { label: 'mode coverage', better: 'higher' },
  [EVAL_METRICS.modeTv]: { label: 'mode TV', better: 'lower' },
  [EVAL_METRICS.modeNoMatch]: { label: 'no-mode fills', better: 'lower' },
  [EVAL_METRICS.modeLeak]: { label: 'colour leak', better: 'lower' },
  fooling_rate: { label: 'fooling rate %', better: 'higher' },
};

/** `diversity_lpips_v0.0` → `LPIPS v0.0 diversity`; unknown keys are returned as they are. */
export function evalMetricLabel(key: string): string {
  const lpips = /^(diversity|real_pairs)_lpips_v(.+)$/.exec(key);
  if (lpips) return lpips[1] === 'diversity' ? `LPIPS v${lpips[2]} diversity` : `real pairs LPIPS v${lpips[2]}`;
  return KNOWN[key]?.label ?? key;
}

export function evalMetricBetter(key: string): 'higher' | 'lower' | undefined {
  if (/^diversity_lpips_v/.test(key)) return 'higher';
  return KNOWN[key]?.better;
}
