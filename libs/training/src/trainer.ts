// The training run: `trainRun(config, {store})` builds the method's networks and the dataset,
// runs iterations with the official lr schedule, logs every loss through the tracking store,
// writes image grids and checkpoints into runs/<run-id>/, and ends the run with an honest state:
//   finished  all iterations done (a final checkpoint is written)
//   failed    a NaN/Inf loss (the update is not applied, the last good checkpoint stays) or an exception
//   killed    SIGINT/SIGTERM (a checkpoint of the current step is written first)
//   crashed   never written here: the store infers it from a stale heartbeat (kill -9, power loss)
// `resume=<run-id>` continues from the newest checkpoint with the run's stored config.
// Each step has its own module: open-run (which run, recording its start), training-parts (data,
// networks), training-loop (iterations and their outputs), failure-reason and run-end.
import type { ResolvedConfig } from '@workbench/config';
import { CheckpointRetention } from './checkpoint-retention.js';
import { Disposables } from './disposables.js';
import { failureReason } from './failure-reason.js';
import { methodSpec } from './methods.js';
import { openRun, recordStart } from './open-run.js';
import { recordRunEnd } from './run-end.js';
import { runLog } from './run-log.js';
import { startSystemMetrics } from './system-metrics.js';
import { watchStopRequests } from './stop-requests.js';
import type { TrainRunOptions, TrainRunResult } from './train-run-options.js';
import { TrainingLoop } from './training-loop.js';
import { buildTraining, type TrainingParts } from './training-parts.js';

export { TrainError } from './train-error.js';
export type { RunEndStatus, TrainRunOptions, TrainRunResult } from './train-run-options.js';
export { overheadPercent } from './run-end.js';

/** Steps: open the run (new or resumed) → build dataset and networks → record the start →
 *  the loop (restore, iterations, metric points, grids, evals, checkpoints) → end with an
 *  honest status. */
export async function trainRun(input: ResolvedConfig, opts: TrainRunOptions): Promise<TrainRunResult> {
  const { store } = opts;
  const run = await openRun(input, store, opts.runId);
  const { config, runId, runDir } = run;
  const spec = methodSpec(config.method);
  const log = runLog(runDir, opts);

  // What a bad config breaks fails here, before the run is recorded (a user error, not a failed run).
  const disposables = new Disposables();
  let parts: TrainingParts;
  try {
    parts = await buildTraining(config, spec, disposables);
    await recordStart(run, opts, log.note);
  } catch (err) {
    disposables.disposeAll();
    throw err;
  }
  opts.onStart?.({ runId, runDir, resumed: run.resuming });
  if (parts.direction?.warning) log.tell(`warning: ${parts.direction.warning}`);

  // From here on every exit path records how the run ended.
  const stop = watchStopRequests(opts);
  const retention = new CheckpointRetention(runDir, config.train.keep_checkpoints, config.train.best_metric);
  const writer = retention.watch(store.metricWriter(runId));
  const loop = new TrainingLoop({ run, spec, parts, store, writer, retention, disposables, log, opts });
  const system = startSystemMetrics(writer, () => loop.step, opts.systemMetricsMs ?? 5000);
  try {
    const stopReason = await loop.run(stop);
    if (stopReason === undefined) return recordRunEnd(run, store, log, loop, 'finished');
    return recordRunEnd(run, store, log, loop, 'killed', `${stopReason === 'abort' ? 'stopped' : stopReason} at step ${loop.step}`);
  } catch (err) {
    await loop.abandon();
    const at = { step: loop.step, runDir, lastCheckpoint: loop.lastCheckpoint, config };
    return recordRunEnd(run, store, log, loop, 'failed', failureReason(err, at, log.note, disposables));
  } finally {
    system.stop();
    stop.dispose();
    disposables.disposeAll();
  }
}
