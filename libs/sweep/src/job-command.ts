// The command that runs one sweep job: `workbench train <job overrides> sweep.id=<id> sweep.job=<job>`.
import { join } from 'node:path';
import { formatValue, WORKBENCH_ROOT } from '@workbench/config';

/** `bin/workbench.js` of the workbench this code runs from. */
export const WORKBENCH_BIN = join(WORKBENCH_ROOT, 'bin', 'workbench.js');

/** The default command prefix: this Node binary running `workbench train`. */
export function defaultTrainCommand(): string[] {
  return [process.execPath, WORKBENCH_BIN, 'train'];
}

/**
 * The ids are written in override syntax (`formatValue`) so that they parse back as the same
 * strings: a bare hex job id such as `848588e852` would otherwise read as the number 848588e852
 * (Infinity), and `0123456789` as 123456789, and the run would link to a job that does not exist.
 */
export function jobArgv(prefix: readonly string[], overrides: readonly string[], sweepId: string, jobId: string): string[] {
  return [...prefix, ...overrides, `sweep.id=${formatValue(sweepId)}`, `sweep.job=${formatValue(jobId)}`];
}
