// Loading a trained run for evaluation: the newest complete checkpoint of the run folder (found by
// the training library, which owns the checkpoint layout) into G and, where the method has one, E,
// built from the run's resolved config.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildNetworks, loadNetwork, modelOptionsFromConfig, type Encoder, type Generator, type ModelConfigSlice } from '@workbench/models';
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

/** Builds G (and E) from `config` and loads the weights of checkpoint `ckpt`. */
export function loadRunModel(config: ModelConfigSlice, ckpt: CheckpointRef): LoadedRunModel {
  const gPath = join(ckpt.dir, 'G.safetensors');
  const ePath = join(ckpt.dir, 'E.safetensors');
  if (!existsSync(gPath)) throw new RunCheckpointError(`checkpoint ${ckpt.dir} has no G.safetensors`);
  const state = readCheckpointState(ckpt.dir);
  const nets = buildNetworks(modelOptionsFromConfig(config), { withE: existsSync(ePath), withD2: false });
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
    step: typeof state.step === 'number' ? state.step : ckpt.step,
    dispose: () => {
      nets.G.dispose();
      nets.E?.dispose();
    },
  };
}
