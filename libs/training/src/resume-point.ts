// Where a resumed run's loop starts: the newest complete checkpoint on disk (weights and
// optimizers restored in place, noise stream, data position, the open metric window).
// Checkpoints the run recorded whose folders are gone are forgotten, and the user is told.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Rng } from '@workbench/random';
import { latestCheckpoint, RUN_FILES, type RunRecorder } from '@workbench/tracking';
import type { Adam } from './adam.js';
import { loadCheckpoint, resumeNoise, type CheckpointState } from './checkpoint.js';
import type { NetName } from './methods.js';
import type { ParamOwner } from './networks.js';
import type { OpenedRun } from './open-run.js';
import type { RunLog } from './run-log.js';

export interface ResumePoint {
  /** Completed iterations. */
  step: number;
  /** The z/eps noise stream. */
  rng: Rng;
  /** The data order's position. */
  position: { epoch: number; batch: number };
  /** Loss sums of the metric window the checkpoint was written in (undefined: a fresh window). */
  metricWindow: CheckpointState['metricWindow'] | undefined;
  /** The checkpoint folder restored from. */
  checkpointDir: string;
}

/** Drop the checkpoint artifacts of a run whose folders (with state.json) no longer exist. */
function forgetMissingCheckpoints(store: RunRecorder, runId: string, runDir: string): Array<{ path: string; step: number | null }> {
  if (!store.listArtifacts || !store.removeArtifact) return []; // remote tracking: the server keeps its table
  const missing = store.listArtifacts(runId, { kind: 'checkpoint' }).filter((a) => !existsSync(join(runDir, a.path, RUN_FILES.checkpointState)));
  for (const a of missing) store.removeArtifact(runId, 'checkpoint', a.path);
  return missing;
}

/** Restores `trainedNets` and `optimizers` from the newest checkpoint of a resumed run; says
 *  (`log.tell`) what it resumed from and what it could not. Undefined: start at step 0. */
export function restoreResumePoint(
  run: OpenedRun,
  store: RunRecorder,
  trainedNets: Partial<Record<NetName, ParamOwner>>,
  optimizers: Partial<Record<NetName, Adam>>,
  log: RunLog,
): ResumePoint | undefined {
  const { config, runId, runDir, resuming } = run;
  // Checkpoints the run recorded whose folders are gone (deleted by hand, a cleaned disk):
  // the artifacts table must not list them, and the user must know resume goes back further.
  const missing = resuming ? forgetMissingCheckpoints(store, runId, runDir) : [];
  const ckpt = resuming ? latestCheckpoint(runDir) : undefined;
  const gone = missing.filter((m) => (m.step ?? 0) > (ckpt?.step ?? -1)).map((m) => m.path);
  if (gone.length > 0) {
    log.tell(`recorded checkpoint${gone.length > 1 ? 's' : ''} ${gone.join(', ')} ${gone.length > 1 ? 'are' : 'is'} missing from ${runDir} (deleted?): removed from the run's artifacts; resuming from the newest complete checkpoint on disk`);
  }
  if (ckpt === undefined) {
    if (resuming) log.tell(`no checkpoint in ${join(runDir, RUN_FILES.checkpoints)}: starting from step 0 with the run config`);
    return undefined;
  }
  const st = loadCheckpoint(ckpt.dir, trainedNets, optimizers);
  const noise = resumeNoise(st, config.seed);
  if (noise.note !== undefined) log.tell(noise.note);
  log.tell(`resumed from ${relative(runDir, ckpt.dir)} (step ${st.step})`);
  return { step: st.step, rng: noise.rng, position: { epoch: st.epoch, batch: st.batchInEpoch }, metricWindow: st.metricWindow, checkpointDir: ckpt.dir };
}
