// @workbench/metrics: LPIPS, diversity, reconstruction error, ground-truth mode coverage and paper-layout tables.
export {};
