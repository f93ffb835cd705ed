// A tracked run with a freshly initialised tiny checkpoint on the 32 px shapes set, laid out as
// the training library writes runs (the tracking run layout: <runs dir>/<id>/checkpoints/step-NNNNNNN/
// {G,E}.safetensors + state.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildNetworks, saveNetwork, type ModelOptions } from '@workbench/models';
import { checkpointPath, RUN_FILES, runFolder, type RunRow, type TrackingStore } from '@workbench/tracking';

export const TINY_CONFIG = {
  seed: 0,
  method: 'bicyclegan',
  model: {
    encoder: 'resnet', where_add: 'all', nz: 4, ngf: 8, ndf: 8, nef: 8, norm: 'instance', upsample: 'basic',
    use_dropout: true, num_Ds: 2, conditional_D: false, init_gain: 0.02,
  },
  data: { dataset: 'shapes', crop_size: 32, load_size: 32, input_nc: 3, output_nc: 3, train_size: 20, test_size: 8, num_modes: 6, max_shapes: 3, background_modes: 1, seed: 1234 },
};

export function createTinyRun(
  store: TrackingStore,
  runsDir: string,
  opts: { id: string; sweepId?: string; seed?: number; method?: string; nz?: number; step?: number },
): RunRow {
  const config = {
    ...TINY_CONFIG,
    seed: opts.seed ?? 0,
    method: opts.method ?? 'bicyclegan',
    model: { ...TINY_CONFIG.model, nz: opts.nz ?? TINY_CONFIG.model.nz },
  };
  const runDir = runFolder(runsDir, opts.id);
  const nets = buildNetworks(
    { ...config.model, cropSize: 32, inputNc: 3, outputNc: 3 } as ModelOptions,
    { seed: config.seed, withD2: false },
  );
  const step = opts.step ?? 5;
  const ckpt = join(runDir, checkpointPath(step));
  mkdirSync(ckpt, { recursive: true });
  saveNetwork(nets.G, join(ckpt, 'G.safetensors'));
  saveNetwork(nets.E!, join(ckpt, 'E.safetensors'));
  writeFileSync(join(ckpt, RUN_FILES.checkpointState), JSON.stringify({ format: 'workbench-checkpoint/1', step }));
  nets.G.dispose();
  nets.E!.dispose();
  nets.D.dispose();
  return store.createRun({ id: opts.id, method: config.method, config, runDir, sweepId: opts.sweepId });
}
