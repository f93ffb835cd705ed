// The in-training evaluation behind `train.eval_every`: the same protocol as `workbench eval`
// (mode statistics, L1 diversity, reconstruction) on a fixed small subset with fixed z, so the
// points of one run, and of different runs, are comparable along the curve. LPIPS is left out
// (it needs downloaded weights and dominates the cost); `workbench eval` adds it at the end.
import type { ResolvedConfig } from '@workbench/config';
import { createDataset } from '@workbench/data';
import type { TrainingEvaluator } from '@workbench/training';
import { EVAL_METRICS } from './eval-results.js';
import { evaluateModel, type EvalReport } from './evaluate-model.js';

/** Metric series names are `eval_<eval_results name>`, e.g. `eval_mode_coverage`. */
export const TRAINING_EVAL_PREFIX = 'eval_';
/** Seed of the z draws of every in-training evaluation (the same z at every step and in every run). */
export const TRAINING_EVAL_SEED = 0;

export class TrainingEvalError extends Error {
  override name = 'TrainingEvalError';
}

/** The series one evaluation adds (the real-pairs bound is constant along a run: not logged). */
export function trainingEvalValues(report: EvalReport): Record<string, number> {
  const out: Record<string, number> = { [`${TRAINING_EVAL_PREFIX}${EVAL_METRICS.diversityL1}`]: report.diversity.l1.mean };
  if (report.reconstruction) out[`${TRAINING_EVAL_PREFIX}${EVAL_METRICS.reconstructionL1}`] = report.reconstruction.mean;
  if (report.encodedModes) out[`${TRAINING_EVAL_PREFIX}${EVAL_METRICS.encodedModeAccuracy}`] = report.encodedModes.mean;
  const mo = report.modes;
  if (mo) {
    out[`${TRAINING_EVAL_PREFIX}${EVAL_METRICS.modeCoverage}`] = mo.coverage.mean;
    out[`${TRAINING_EVAL_PREFIX}${EVAL_METRICS.modeNoMatch}`] = mo.noModeFraction.mean;
    out[`${TRAINING_EVAL_PREFIX}${EVAL_METRICS.modeTv}`] = mo.tv.mean;
    out[`${TRAINING_EVAL_PREFIX}${EVAL_METRICS.modeLeak}`] = mo.leak.mean;
  }
  return out;
}

/** Opens the test split once; each `evaluate` runs the protocol on its first `train.eval_inputs` inputs. */
export async function createTrainingEvaluator(config: ResolvedConfig): Promise<TrainingEvaluator> {
  const dataset = await createDataset(config.data, 'test');
  const nInputs = Math.min(config.train.eval_inputs, dataset.size);
  if (nInputs < 2) {
    dataset.dispose();
    throw new TrainingEvalError(
      `train.eval_every needs at least 2 test inputs; the ${dataset.name} test split has ${dataset.size}: enlarge it or set train.eval_every=0`,
    );
  }
  return {
    async evaluate(nets) {
      const report = await evaluateModel(nets, dataset, {
        nInputs,
        nSamples: config.train.eval_samples,
        pairs: 'consecutive',
        nz: config.model.nz,
        seed: TRAINING_EVAL_SEED,
        reconstructionInputs: nInputs,
        c2st: false, // a classifier fit per point would cost more than the rest; workbench eval has it
      });
      return trainingEvalValues(report);
    },
    dispose: () => dataset.dispose(),
  };
}
