// In-training evaluation (`train.eval_every`): the trainer calls an evaluator every N iterations
// and logs what it returns as metric series. The evaluator itself lives in @workbench/metrics
// (`createTrainingEvaluator`), which imports training, so the trainer takes it as an option
// (the app passes it) instead of importing it.
import type { ResolvedConfig } from '@workbench/config';
import type { EncoderNet, GeneratorNet } from './networks.js';

export interface TrainingEvaluator {
  /** Metric values of the current weights, keyed by series name (e.g. `eval_mode_coverage`). G and E
   *  are used in eval mode and must be left exactly as they were (training continues with them). */
  evaluate(nets: { G: GeneratorNet; E?: EncoderNet }, step: number): Promise<Record<string, number>>;
  dispose(): void;
}

/** Builds the evaluator for a run's resolved config (called once per run, only when eval_every > 0). */
export type TrainingEvaluatorFactory = (config: ResolvedConfig) => Promise<TrainingEvaluator>;
