// @workbench/tracking: SQLite run tracking: sweeps, runs, metrics, images, run states, query API.
export {};
