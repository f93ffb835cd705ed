// What a finished child process means for its job: finished, failed, killed or crashed.
import type { JobStatus, RunStatus } from '@workbench/tracking';
import type { JobOutcome } from './launcher.js';

export type JobEndStatus = Extract<JobStatus, 'finished' | 'failed' | 'killed' | 'crashed'>;

/** The status of a job from its process outcome and, if it created one, its run's status. */
export function jobEndStatus(outcome: JobOutcome, runStatus: RunStatus | null): JobEndStatus {
  if (outcome.spawnError) return 'failed';
  if (outcome.exitCode === 0) return runStatus === 'failed' || runStatus === 'killed' ? runStatus : 'finished';
  if (outcome.stopped) return 'killed';
  // 130/143: the conventional exits after a handled SIGINT/SIGTERM (the run checkpointed).
  if (outcome.exitCode === 130 || outcome.exitCode === 143) return 'killed';
  if (outcome.signal === 'SIGTERM' || outcome.signal === 'SIGINT') return 'killed';
  if (outcome.signal !== null) return 'crashed';
  return 'failed';
}
