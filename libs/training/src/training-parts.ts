// What a run trains with, built before the run is recorded: the dataset and the split the image
// grids show, the networks and optimizers of the method.
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '@workbench/config';
import { checkDatasetDirection, createDataset, EpochBatches, type PairedDataset } from '@workbench/data';
import { buildMethodNetworks, buildOptimizers } from './build-networks.js';
import type { Disposables } from './disposables.js';
import type { MethodSpec } from './methods.js';
import { wasmMemoryRefusal } from './step-memory.js';
import { TrainError } from './train-error.js';

/** First split of the dataset that exists, for the display inputs (held-out where possible). */
async function openDisplaySet(config: ResolvedConfig): Promise<PairedDataset> {
  let lastErr: unknown;
  for (const split of ['test', 'val', 'train'] as const) {
    try {
      return await createDataset(config.data, split);
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr;
}

/** The dataset, display inputs, networks and optimizers of a run. */
export interface TrainingParts {
  dataset: PairedDataset;
  displaySet: PairedDataset;
  direction: Awaited<ReturnType<typeof checkDatasetDirection>>;
  perEpoch: number;
  nets: ReturnType<typeof buildMethodNetworks>;
  optimizers: ReturnType<typeof buildOptimizers>;
}

/** Builds what a bad config can break, before the run is recorded: a wrong data.root or an
 *  impossible crop size is a user error, not a failed run; so is a step too large for wasm's heap. */
export async function buildTraining(config: ResolvedConfig, spec: MethodSpec, disposables: Disposables): Promise<TrainingParts> {
  const dataset = await createDataset(config.data, 'train');
  disposables.add(dataset);
  // A reversed data.direction trains photo → labels without any error: warn before the first step.
  const direction = await checkDatasetDirection(dataset, config.data.direction);
  const probe = new EpochBatches(dataset, { batchSize: config.train.batch_size, seed: config.seed });
  const perEpoch = probe.batchesPerEpoch;
  probe.close();
  const displaySet = await openDisplaySet(config);
  disposables.add(displaySet);
  const refusal = tf.getBackend() === 'wasm' ? wasmMemoryRefusal(config) : undefined; // before allocating anything large
  if (refusal !== undefined) throw new TrainError(refusal);
  const nets = buildMethodNetworks(spec, { model: config.model, data: config.data }, config.seed);
  disposables.add(nets);
  const optimizers = buildOptimizers(nets, config.train);
  disposables.add(...Object.values(optimizers));
  return { dataset, displaySet, direction, perEpoch, nets, optimizers };
}
