// How a run ends: its status recorded in the store and train.log (with the step and the reason),
// and what trainRun returns.
import type { RunRecorder } from '@workbench/tracking';
import type { OpenedRun } from './open-run.js';
import type { RunLog } from './run-log.js';
import type { RunEndStatus, TrainRunResult } from './train-run-options.js';
import type { TrainingLoop } from './training-loop.js';

/** Evaluation time as a percentage of the rest of the loop's time ("4.2 %"). */
export function overheadPercent(t: { evalSeconds: number; trainSeconds: number }): string {
  return t.trainSeconds > 0 ? `${((100 * t.evalSeconds) / t.trainSeconds).toFixed(1)} %` : 'n/a';
}

export function recordRunEnd(run: OpenedRun, store: RunRecorder, log: RunLog, loop: TrainingLoop, status: RunEndStatus, reason?: string): TrainRunResult {
  const { runId, runDir } = run;
  const { step } = loop;
  try {
    store.finishRun(runId, status, reason ?? null);
  } catch (err) {
    // e.g. the database's own disk is full: say so where it can still be read, then fail loudly.
    log.note(`${status}${reason ? `: ${reason}` : ''}; not recorded in ${store.path}: ${(err as Error).message}`);
    throw err;
  }
  // Most reasons say the step already ("SIGTERM at step 197"): name it once.
  log.note(reason === undefined ? `${status} at step ${step}` : /\bat step \d+/.test(reason) ? `${status}: ${reason}` : `${status} at step ${step}: ${reason}`);
  const timing = loop.timing();
  if (timing.evaluations > 0) {
    log.note(`eval_every: ${timing.evaluations} evaluations took ${timing.evalSeconds.toFixed(1)} s, ${overheadPercent(timing)} of the ${timing.trainSeconds.toFixed(1)} s of training`);
  }
  const { lastCheckpoint } = loop;
  return { runId, runDir, status, ...(reason ? { reason } : {}), step, totalSteps: loop.totalSteps, itPerSec: loop.itPerSec, ...(lastCheckpoint ? { lastCheckpoint } : {}), ...timing };
}
