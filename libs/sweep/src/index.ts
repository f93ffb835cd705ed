// @workbench/sweep: Sweep runner: expands multirun grids into jobs, runs them with a launcher (local processes or Slurm).
export {};
