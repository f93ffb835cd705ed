// THE run layout: which names may be run and sweep ids, and where every file of a run lives.
// Ids are plain names (one pattern, checked wherever an id is accepted: the store, remote ingest,
// API routes, CLI lookups), so an id can be a folder name and a URL segment as is. A run's folder
// is always `<runs root>/<run id>`: a path recorded in the database (which remote clients can
// write) is never followed. The runs root is `train.runs_dir` resolved by `resolveRunsRoot` (the
// one rule, for training, resume, eval, serve, `runs delete --files`, `report` and the sweep runner).
//
//   <runs root>/<run id>/
//     config.yaml  overrides.yaml           the resolved config and the command-line overrides
//     environment.json  git.patch            what the run ran on (training's run-environment.ts)
//     train.log
//     checkpoints/step-NNNNNNN/{G,E,D,D2,optimizer}.safetensors + state.json
//     checkpoints/step-NNNNNNN.tmp-<pid>/   a checkpoint being written (never complete)
//     checkpoints/retention.json            what train.keep_checkpoints removed
//     images/step-NNNNNNN.png               training grids
//     images/eval-step-NNNNNNN.png          eval grids
//
// Training, eval, the sweep runner, the server and the tests all find these through this file.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { TrackingInputError } from '../errors.js';

/** Run and sweep ids: `20261128-081021-3fa9c2d1`, `sweep-20261128-081021-3fa9c2d1`, `my_run-2`. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const ID_RULE = 'a letter or digit, then letters, digits, "_" or "-", at most 128 characters';

export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/** `id` if it is a valid run/sweep id, else a TrackingInputError naming the rule. */
export function assertValidId(id: unknown, what: 'run' | 'sweep'): string {
  if (isValidId(id)) return id;
  const shown = typeof id === 'string' ? JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}...` : id) : typeof id;
  throw new TrackingInputError(`invalid ${what} id ${shown}: use ${ID_RULE}`);
}

/** A run folder that is not where the layout puts it (a symlink leaving the runs root). */
export class RunFolderError extends TrackingInputError {
  override name = 'RunFolderError';
}

/** The schema's default `train.runs_dir`: `runs/` in the project folder, beside `workbench.db`. */
export const DEFAULT_RUNS_DIR = 'runs';

/**
 * THE folder of run folders (absolute). `runsDir` is `train.runs_dir` as a command composed it
 * (or as a run stored it): a default or config-file value is already absolute, because compose
 * resolves it against the project folder (so the default layout is `<project>/runs` beside
 * `<project>/workbench.db`, from any subfolder); a value typed on the command line or in an env
 * var stays as typed and is relative to the working directory `cwd`, like every path a user types
 * (`tracking.db` too). Nothing derives the runs root any other way (no `<run folder>/../..`).
 */
export function resolveRunsRoot(runsDir: string, cwd: string = process.cwd()): string {
  return path.resolve(cwd, runsDir);
}

/** `<runs root>/<runId>` (absolute; `runsRoot` through `resolveRunsRoot`). Throws on an invalid id. */
export function runFolder(runsRoot: string, runId: string): string {
  return path.join(resolveRunsRoot(runsRoot), assertValidId(runId, 'run'));
}

/** The run folder with symlinks followed; throws RunFolderError when its real path leaves the
 *  runs root's real path. A folder that does not exist (yet) is returned as laid out. */
export function realRunFolder(runsRoot: string, runId: string): string {
  const folder = runFolder(runsRoot, runId);
  let real: string;
  try {
    real = realpathSync(folder);
  } catch {
    return folder;
  }
  const rel = path.relative(realpathSync(resolveRunsRoot(runsRoot)), real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new RunFolderError(`the folder of run ${runId} resolves to ${real}, outside the runs root ${resolveRunsRoot(runsRoot)}: it is not served`);
  }
  return real;
}

/** Files and folders of a run folder (relative to it). */
export const RUN_FILES = {
  config: 'config.yaml',
  overrides: 'overrides.yaml',
  log: 'train.log',
  environment: 'environment.json',
  gitPatch: 'git.patch',
  checkpoints: 'checkpoints',
  /** Which checkpoints `train.keep_checkpoints` kept and removed (training's checkpoint-retention.ts). */
  retention: 'checkpoints/retention.json',
  images: 'images',
  /** The file that makes a checkpoint folder complete (written last, before the rename). */
  checkpointState: 'state.json',
} as const;

/** `step-0000012`: steps padded to 7 digits so folder names sort by step. */
function stepName(step: number): string {
  return `step-${String(step).padStart(7, '0')}`;
}

/** The folder name of the checkpoint of `step` (`step-0000012`). */
export function checkpointDirName(step: number): string {
  return stepName(step);
}

/** The checkpoint of `step`, relative to the run folder (`checkpoints/step-0000012`). */
export function checkpointPath(step: number): string {
  return path.join(RUN_FILES.checkpoints, checkpointDirName(step));
}

/** The one pattern of a checkpoint folder name; `step-N.tmp-<pid>` (a write in progress) does not match. */
const CHECKPOINT_DIR = /^step-(\d{7,})$/;

/** The step of a checkpoint folder name, or undefined for anything else. */
export function checkpointStepOf(name: string): number | undefined {
  const m = CHECKPOINT_DIR.exec(name);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** A complete checkpoint folder (one with a state.json) and the step it holds. */
export interface CheckpointRef {
  /** Absolute folder. */
  dir: string;
  step: number;
}

/** The complete checkpoints of a run folder, oldest first: a `checkpoints/step-NNNNNNN/` folder with
 *  its state.json. A half-written `step-N.tmp-<pid>` left by a kill mid-write is never one. */
export function completeCheckpoints(runDir: string): CheckpointRef[] {
  const root = path.join(runDir, RUN_FILES.checkpoints);
  if (!existsSync(root)) return [];
  const out: CheckpointRef[] = [];
  for (const name of readdirSync(root)) {
    const step = checkpointStepOf(name);
    if (step !== undefined && existsSync(path.join(root, name, RUN_FILES.checkpointState))) out.push({ dir: path.join(root, name), step });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** The newest complete checkpoint of a run folder, or undefined. */
export function latestCheckpoint(runDir: string): CheckpointRef | undefined {
  return completeCheckpoints(runDir).at(-1);
}

/** The training grid of `step`, relative to the run folder (`images/step-0000012.png`). */
export function trainGridPath(step: number): string {
  return path.join(RUN_FILES.images, `${stepName(step)}.png`);
}

/** The eval grid of `step`, relative to the run folder (`images/eval-step-0000012.png`). */
export function evalGridPath(step: number): string {
  return path.join(RUN_FILES.images, `eval-${stepName(step)}.png`);
}
