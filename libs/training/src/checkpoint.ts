// Checkpoints: the folders `checkpointPath(step)` of the run layout (@workbench/tracking run/layout.ts) holding G/E/D/D2.safetensors (tfjs layouts
// under the official key names), optimizer.safetensors (Adam moments as `<net>.<param>.exp_avg`
// and `.exp_avg_sq`) and state.json (step, epoch, RNG state, optimizer steps). A checkpoint is
// written into a temporary folder and renamed into place, so a kill -9 mid-write never leaves a
// half checkpoint that resume would pick.
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assignStateDict, CheckpointError } from '@workbench/models';
import { readSafetensors, writeSafetensors, type StateDict } from '@workbench/torch-io';
import { checkpointPath, RUN_FILES } from '@workbench/tracking';
import type { Adam } from './adam.js';
import type { NetName } from './methods.js';
import type { ParamOwner } from './networks.js';
import { Rng, type RngState } from '@workbench/random';

/** Format 2 saves the noise generator as the four integer words of `@workbench/random`'s `Rng`. */
export const CHECKPOINT_FORMAT = 'workbench-checkpoint/2';
/** Format 1 saved it as a seedrandom alea state, a generator the project no longer has. */
export const CHECKPOINT_FORMAT_ALEA = 'workbench-checkpoint/1';

export interface CheckpointState {
  format: typeof CHECKPOINT_FORMAT;
  /** Completed iterations. */
  step: number;
  /** Epoch of the next iteration (0-based) and the batch index inside it. */
  epoch: number;
  batchInEpoch: number;
  /** The z/eps noise generator, so a resumed run draws what the uninterrupted one would have. */
  rng: RngState;
  /** Adam step count per network. */
  optimizerSteps: Partial<Record<NetName, number>>;
  lr: number;
  method: string;
  runId: string;
  savedAt: string;
  /** Loss sums over the iterations since the last metric point (absent in older checkpoints), so
   *  the first point after a resume averages the same iterations as an uninterrupted run. */
  metricWindow?: { steps: number; sums: Record<string, number> };
}

/** A state.json as read back: the current format, or format 1 whose alea noise state is not continued. */
export type StoredCheckpointState =
  | CheckpointState
  | (Omit<CheckpointState, 'format' | 'rng'> & { format: typeof CHECKPOINT_FORMAT_ALEA; rng?: unknown });

/** The models library's error for checkpoint files that do not fit: one class for both libraries. */
export { CheckpointError };

/** Parameters then buffers, as PyTorch's state_dict holds them. */
function allTensors(owner: ParamOwner): Map<string, tf.Variable> {
  return new Map([...owner.params(), ...(owner.buffers?.() ?? new Map<string, tf.Variable>())]);
}

async function paramsToStateDict(owner: ParamOwner): Promise<StateDict> {
  const dict: StateDict = new Map();
  for (const [key, v] of allTensors(owner)) dict.set(key, { shape: v.shape.slice(), data: (await v.data()) as Float32Array });
  return dict;
}

/** True when every value is finite: checked before writing, so NaN weights never become a checkpoint. */
function allFinite(dict: StateDict): string | undefined {
  for (const [key, t] of dict) {
    for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i]!)) return key;
  }
  return undefined;
}

/** Writes a checkpoint and returns its folder. Throws (writing nothing) if a weight is not finite. */
export async function saveCheckpoint(
  runDir: string,
  nets: Partial<Record<NetName, ParamOwner>>,
  optimizers: Partial<Record<NetName, Adam>>,
  state: CheckpointState,
): Promise<string> {
  const final = join(runDir, checkpointPath(state.step));
  const tmp = `${final}.tmp-${process.pid}`;
  const files: Array<[string, StateDict]> = [];
  for (const [name, net] of Object.entries(nets) as Array<[NetName, ParamOwner | undefined]>) {
    if (net === undefined) continue;
    const dict = await paramsToStateDict(net);
    const bad = allFinite(dict);
    if (bad !== undefined) throw new CheckpointError(`refusing to checkpoint step ${state.step}: ${name} parameter '${bad}' is not finite`);
    files.push([`${name}.safetensors`, dict]);
  }
  const moments: StateDict = new Map();
  for (const [name, opt] of Object.entries(optimizers) as Array<[NetName, Adam | undefined]>) {
    if (opt === undefined) continue;
    for (const [k, t] of (await opt.getState()).moments) moments.set(`${name}.${k}`, t);
  }
  files.push(['optimizer.safetensors', moments]);

  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(tmp, { recursive: true });
    for (const [file, dict] of files) writeSafetensors(join(tmp, file), dict, { format: CHECKPOINT_FORMAT, step: String(state.step) });
    writeFileSync(join(tmp, RUN_FILES.checkpointState), `${JSON.stringify(state, null, 2)}\n`);
  } catch (err) {
    // A failed write (e.g. the disk is full) must not leave a half folder holding the space.
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  return final;
}

/** The state.json of a checkpoint folder, format-checked (format 1 or 2). */
export function readCheckpointState(dir: string): StoredCheckpointState {
  const statePath = join(dir, RUN_FILES.checkpointState);
  if (!existsSync(statePath)) throw new CheckpointError(`${dir} is not a checkpoint (no state.json)`);
  const state = JSON.parse(readFileSync(statePath, 'utf8')) as StoredCheckpointState;
  if (state.format !== CHECKPOINT_FORMAT && state.format !== CHECKPOINT_FORMAT_ALEA) {
    throw new CheckpointError(`${statePath}: unknown checkpoint format '${String((state as { format?: unknown }).format)}'`);
  }
  return state;
}

/**
 * The z/eps noise generator a resumed run continues with. Format 2 restores the saved stream
 * exactly; a format-1 checkpoint (alea state) restarts the noise from a stream derived from the
 * run seed and the step, and `note` says so (weights, optimizer and data position are restored).
 */
export function resumeNoise(state: StoredCheckpointState, seed: number): { rng: Rng; note?: string } {
  if (state.format === CHECKPOINT_FORMAT) return { rng: Rng.fromState(state.rng) };
  return {
    rng: Rng.derive(seed, 'z', 'after-format-1', state.step),
    note: `checkpoint format 1 (alea noise state) at step ${state.step}: weights, optimizer and data position restored; the noise z restarts from a new seeded stream, so the run is not bit-identical to an uninterrupted one`,
  };
}

/** Restores networks and optimizers from a checkpoint folder; returns its state.json. */
export function loadCheckpoint(
  dir: string,
  nets: Partial<Record<NetName, ParamOwner>>,
  optimizers: Partial<Record<NetName, Adam>>,
): StoredCheckpointState {
  const state = readCheckpointState(dir);
  for (const [name, net] of Object.entries(nets) as Array<[NetName, ParamOwner | undefined]>) {
    if (net === undefined) continue;
    const file = join(dir, `${name}.safetensors`);
    if (!existsSync(file)) throw new CheckpointError(`checkpoint ${dir} has no ${name}.safetensors`);
    assignStateDict(allTensors(net), readSafetensors(file).tensors, file);
  }
  const moments = readSafetensors(join(dir, 'optimizer.safetensors')).tensors;
  for (const [name, opt] of Object.entries(optimizers) as Array<[NetName, Adam | undefined]>) {
    if (opt === undefined) continue;
    const prefix = `${name}.`;
    const mine = new Map([...moments].filter(([k]) => k.startsWith(prefix)).map(([k, t]) => [k.slice(prefix.length), t]));
    opt.setState({ step: state.optimizerSteps[name] ?? 0, moments: mine });
  }
  return state;
}
