// Loading a trained run for evaluation: the newest complete checkpoint of the run folder (found by
// the training library, which owns the checkpoint layout) into G and, where the method has one, E,
// built from the run's resolved config. `loadEvalNetworks` does the loading for any checkpoint
// folder, also one `workbench import-official` wrote.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildNetworks, loadNetwork, modelOptionsFromConfig, type Encoder, type Generator, type ModelConfigSlice, type ModelOptions } from '@workbench/models';
import type { CheckpointRef } from '@workbench/tracking';
import { readCheckpointState } from '@workbench/training';

export class RunCheckpointError extends Error {
  override name = 'RunCheckpointError';
}

export interface LoadedRunModel {
  G: Generator;
  /** Absent for methods without an encoder (pix2pix+noise) or checkpoints without E. */
  E?: Encoder;
  step: number;
  dispose(): void;
}

/** G and, when the folder has E.safetensors, E: what evaluating a checkpoint needs. */
export interface EvalNetworks {
  G: Generator;
  E?: Encoder;
  dispose(): void;
}

/**
 * Builds G (and E) with `options` and loads the weights of the checkpoint folder `dir` (a run's
 * checkpoint, or a folder `workbench import-official` wrote).
 */
export function loadEvalNetworks(options: ModelOptions, dir: string): EvalNetworks {
  const gPath = join(dir, 'G.safetensors');
  const ePath = join(dir, 'E.safetensors');
  if (!existsSync(gPath)) throw new RunCheckpointError(`checkpoint ${dir} has no G.safetensors`);
  const nets = buildNetworks(options, { withE: existsSync(ePath), withD2: false });
  // D is built by the factory but not needed for evaluation.
  nets.D.dispose();
  try {
    loadNetwork(nets.G, gPath);
    if (nets.E) loadNetwork(nets.E, ePath);
  } catch (err) {
    nets.G.dispose();
    nets.E?.dispose();
    throw err;
  }
  return {
    G: nets.G,
    E: nets.E,
    dispose: () => {
      nets.G.dispose();
      nets.E?.dispose();
    },
  };
}

/** Builds G (and E) from `config` and loads the weights of checkpoint `ckpt`. */
export function loadRunModel(config: ModelConfigSlice, ckpt: CheckpointRef): LoadedRunModel {
  const state = readCheckpointState(ckpt.dir); // before the networks, which a bad state would leak
  const nets = loadEvalNetworks(modelOptionsFromConfig(config), ckpt.dir);
  return { ...nets, step: typeof state.step === 'number' ? state.step : ckpt.step };
}
