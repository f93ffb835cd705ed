// The single-run path of `workbench train`: start the backend, open the tracking sink, train
// (or resume) one run, and map its end to the exit code.
import { BackendError, describeBackend, initBackend } from '@workbench/backend';
import type { ComposeResult } from '@workbench/config';
import { TrackingInputError, type ExitStatus } from '@workbench/tracking';
import { RemoteTrackingError } from '@workbench/remote-tracking';
import { DataError } from '@workbench/data';
import { ModelOptionsError } from '@workbench/models';
import { TorchIoError } from '@workbench/torch-io';
import { reportRunId } from '@workbench/sweep';
import { CheckpointError, overheadPercent, TrainError, trainRun, type ProgressMode } from '@workbench/training';
import { createTrainingEvaluator, TrainingEvalError } from '@workbench/metrics';
import { toUserError, withUserErrors } from '../user-error.js';
import { describePaths } from '../project-paths.js';
import { openTrackingSink } from './tracking-sink.js';

/** Exit codes: 0 finished, 1 failed, 130 killed by SIGINT, 143 killed by SIGTERM (shell convention). */
function exitCodeFor(status: ExitStatus, reason?: string): number {
  if (status === 'finished') return 0;
  if (status === 'killed') return reason?.startsWith('SIGINT') ? 130 : 143;
  return 1;
}

/** Trains the composed config as one run; resolves to the process exit code. */
export async function trainSingleRun(composed: ComposeResult, overrides: string[], progress: ProgressMode): Promise<number> {
  const { config } = composed;
  const info = await withUserErrors([BackendError], () => initBackend({ force: config.backend }));
  const backendName = info.name;
  console.log(describeBackend(info).split('\n')[0]);
  if (!config.tracking.uri) console.log(describePaths(composed));
  const store = openTrackingSink(config); // tracking.uri set: a workbench server over HTTP, else SQLite
  try {
    const result = await trainRun(config, {
      store,
      overrides,
      command: ['workbench', 'train', ...overrides].join(' '),
      backend: backendName,
      progress,
      createEvaluator: createTrainingEvaluator,
      // A second Ctrl-C / SIGTERM while the run checkpoints and records its end: stop now.
      onForcedStop: (sig) => process.exit(sig === 'SIGINT' ? 130 : 143),
      onStart: ({ runId, runDir, resumed }) => {
        reportRunId(runId); // a sweep job: tells the sweep runner which run this is
        console.log(`${resumed ? 'resuming' : 'run'} ${runId}`);
        console.log(`run dir: ${runDir}`);
      },
    }).catch((err: unknown) => {
      throw toUserError(err, [TrainError, TrainingEvalError, TrackingInputError, CheckpointError, TorchIoError, RemoteTrackingError, DataError, ModelOptionsError]);
    });
    console.log(`run ${result.runId} ${result.status}${result.reason ? `: ${result.reason}` : ''}`);
    console.log(`steps: ${result.step}/${result.totalSteps}, ${result.itPerSec.toFixed(2)} it/s, tracking: ${store.path}`);
    if (result.evaluations > 0) {
      console.log(`eval_every: ${result.evaluations} evaluations, ${result.evalSeconds.toFixed(1)} s = ${overheadPercent(result)} of the ${result.trainSeconds.toFixed(1)} s of training`);
    }
    return exitCodeFor(result.status, result.reason);
  } finally {
    await store.close();
  }
}
