// The names under which evaluation results are stored in the tracking store (`eval_results`,
// one row per run and metric: a rerun replaces the row). Tables and the dashboard read these.
import type { EvalResultInput } from '@workbench/tracking';
import type { MeanSe } from '../stats/summary.js';
import type { EvalReport } from './evaluate-model.js';

export const EVAL_METRICS = {
  /** LPIPS between samples of one input (paper diversity), per LPIPS version ('0.0' | '0.1'). */
  diversityLpips: (v: string) => `diversity_lpips_v${v}`,
  /** Mean absolute pixel difference between samples of one input ([-1,1] units). */
  diversityL1: 'diversity_l1',
  /** The same distances between random pairs of real B images (upper bound). */
  realPairsLpips: (v: string) => `real_pairs_lpips_v${v}`,
  realPairsL1: 'real_pairs_l1',
  /** Mean |B − G(A, E(B).mu)| over the test split ([-1,1] units). */
  reconstructionL1: 'reconstruction_l1',
  /**
   * Shapes dataset, models with an encoder: fraction of shapes whose fill in G(A, E(B).mu) is the
   * ground truth's mode (how much of B's colours E's code carries; chance about 1/K).
   */
  encodedModeAccuracy: 'encoded_mode_accuracy',
  /** Shapes dataset: fraction of the K modes produced per shape. */
  modeCoverage: 'mode_coverage',
  /** Shapes dataset: TV distance between produced and uniform mode distribution per shape. */
  modeTv: 'mode_tv',
  /** Shapes dataset: fraction of fills matching no palette mode (unrealistic colours). */
  modeNoMatch: 'mode_no_match',
  /** Shapes dataset: fraction of background pixels not of a background colour. */
  modeLeak: 'mode_leak',
  /** Realism proxy: held-out accuracy of a real-vs-generated classifier (0.5 = indistinguishable). */
  c2stAccuracy: 'c2st_accuracy',
} as const;

function row(metric: string, s: MeanSe, step: number | null, details: Record<string, unknown>): EvalResultInput {
  return { metric, value: s.mean, stderr: s.se, n: s.n, step, details: { std: s.std, ...details } };
}

/** The eval_results rows of one report. `step` = the evaluated checkpoint's step. */
export function evalReportRows(report: EvalReport, step: number | null): EvalResultInput[] {
  const proto = { n_inputs: report.nInputs, n_samples: report.nSamples, pairs: report.pairs };
  const rows: EvalResultInput[] = [
    row(EVAL_METRICS.diversityL1, report.diversity.l1, step, proto),
    row(EVAL_METRICS.realPairsL1, report.realPairs.l1, step, { n_inputs: report.nInputs }),
  ];
  if (report.lpipsVersion && report.diversity.lpips) {
    const v = report.lpipsVersion;
    rows.push(row(EVAL_METRICS.diversityLpips(v), report.diversity.lpips, step, { ...proto, lpips_version: v }));
    if (report.realPairs.lpips) {
      rows.push(row(EVAL_METRICS.realPairsLpips(v), report.realPairs.lpips, step, { n_inputs: report.nInputs, lpips_version: v }));
    }
  }
  if (report.reconstruction) rows.push(row(EVAL_METRICS.reconstructionL1, report.reconstruction, step, {}));
  if (report.encodedModes && report.modes) {
    rows.push(row(EVAL_METRICS.encodedModeAccuracy, report.encodedModes, step, { num_modes: report.modes.numModes, chance: 1 / report.modes.numModes }));
  }
  if (report.modes) {
    const mo = report.modes;
    const d = { num_modes: mo.numModes, n_samples: mo.samplesPerInput, n_inputs: report.nInputs };
    rows.push(row(EVAL_METRICS.modeCoverage, mo.coverage, step, { ...d, ideal: mo.idealCoverage }));
    rows.push(row(EVAL_METRICS.modeTv, mo.tv, step, { ...d, ideal: mo.idealTv }));
    rows.push(row(EVAL_METRICS.modeNoMatch, mo.noModeFraction, step, d));
    rows.push(row(EVAL_METRICS.modeLeak, mo.leak, step, d));
  }
  if (report.c2st) {
    const c = report.c2st;
    // stderr: binomial sqrt(p(1-p)/n); the Wilson interval in details is what tables show
    rows.push({
      metric: EVAL_METRICS.c2stAccuracy,
      value: c.accuracy,
      stderr: Math.sqrt((c.accuracy * (1 - c.accuracy)) / c.nTest),
      n: c.nTest,
      step,
      details: { lo: c.lo, hi: c.hi, n_test: c.nTest, n_train: c.nTrain, proxy: 'classifier two-sample test' },
    });
  }
  return rows;
}
