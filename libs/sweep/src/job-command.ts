// The command that runs one sweep job: `workbench train <job overrides> sweep.id=<id> sweep.job=<job>`.
import { fileURLToPath } from 'node:url';

/** `bin/workbench.js` of this checkout (libs/sweep/src -> repo root). */
export const WORKBENCH_BIN = fileURLToPath(new URL('../../../bin/workbench.js', import.meta.url));

/** The default command prefix: this Node binary running `workbench train`. */
export function defaultTrainCommand(): string[] {
  return [process.execPath, WORKBENCH_BIN, 'train'];
}

export function jobArgv(prefix: readonly string[], overrides: readonly string[], sweepId: string, jobId: string): string[] {
  return [...prefix, ...overrides, `sweep.id=${sweepId}`, `sweep.job=${jobId}`];
}
