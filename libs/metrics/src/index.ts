// @workbench/metrics: LPIPS, diversity, reconstruction error, ground-truth mode coverage and paper-layout tables.
export * from './lpips/lpips.js';
export * from './lpips/lpips-weights.js';
