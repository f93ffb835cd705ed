// Display names of evaluation results, as the paper tables print them, so the dashboard's runs
// table, scatter and parallel-coordinates axes say "LPIPS v0.0 diversity" exactly like the tables.
import { EVAL_METRICS } from '../evaluate/eval-results.js';

const FIXED: Record<string, string> = {
  [EVAL_METRICS.diversityL1]: 'L1 diversity',
  [EVAL_METRICS.realPairsL1]: 'real pairs L1',
  [EVAL_METRICS.reconstructionL1]: 'reconstruction L1',
  [EVAL_METRICS.modeCoverage]: 'mode coverage',
  [EVAL_METRICS.modeTv]: 'mode TV',
  [EVAL_METRICS.modeNoMatch]: 'no-mode fills',
  [EVAL_METRICS.modeLeak]: 'colour leak',
  fooling_rate: 'fooling rate %',
};

/** Which direction is better for an eval result; undefined when it is a reference number. */
const BETTER: Record<string, 'higher' | 'lower'> = {
  [EVAL_METRICS.diversityL1]: 'higher',
  [EVAL_METRICS.reconstructionL1]: 'lower',
  [EVAL_METRICS.modeCoverage]: 'higher',
  [EVAL_METRICS.modeTv]: 'lower',
  [EVAL_METRICS.modeNoMatch]: 'lower',
  [EVAL_METRICS.modeLeak]: 'lower',
  fooling_rate: 'higher',
};

/** `diversity_lpips_v0.0` → `LPIPS v0.0 diversity`; unknown keys are returned as they are. */
export function evalMetricLabel(key: string): string {
  const lpips = /^(diversity|real_pairs)_lpips_v(.+)$/.exec(key);
  if (lpips) return lpips[1] === 'diversity' ? `LPIPS v${lpips[2]} diversity` : `real pairs LPIPS v${lpips[2]}`;
  return FIXED[key] ?? key;
}

export function evalMetricBetter(key: string): 'higher' | 'lower' | undefined {
  if (/^diversity_lpips_v/.test(key)) return 'higher';
  return BETTER[key];
}
