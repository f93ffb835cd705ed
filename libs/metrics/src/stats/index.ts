// @workbench/metrics/stats: tfjs-free statistics (intervals, tests, summaries) for the server,
// the CLI tables and the dashboard. Importing it loads no tensor library.
export * from './summary.js';
export * from './student-t.js';
export * from './mean-interval.js';
export * from './welch-test.js';
export * from './convergence.js';
