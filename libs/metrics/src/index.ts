// @workbench/metrics: LPIPS, diversity, reconstruction error, ground-truth mode coverage and paper-layout tables.
export * from './lpips/lpips.js';
export * from './lpips/lpips-weights.js';
export * from './stats/index.js';
export * from './diversity/sample-pairs.js';
export * from './diversity/pair-distances.js';
export * from './diversity/diversity.js';
export * from './diversity/real-pairs.js';
export * from './reconstruction.js';
export * from './modes/mode-coverage.js';
export * from './evaluate/evaluate-model.js';
export * from './evaluate/eval-results.js';
export * from './tables/paper-tables.js';
export * from './tables/table-format.js';
export * from './tables/run-convergence.js';
export * from './evaluate/run-checkpoint.js';
export * from './evaluate/evaluate-run.js';
export * from './evaluate/training-evaluator.js';
