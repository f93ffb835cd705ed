// The real training step of a configuration (its method's networks, Adam, bicycleStep) on random
// data of the configured size: what step-profile, conv-routes and conv-accuracy run. Built the same
// way each time (seeded networks, uniform A and B, noise from a named stream), so two builds of one
// configuration compute the same step.
import * as tf from '@tensorflow/tfjs';
import type { ResolvedConfig } from '@workbench/config';
import { Rng } from '@workbench/random';
import { bicycleStep, buildMethodNetworks, buildOptimizers, methodSpec, stepConfigFromConfig, type StepInspector } from '@workbench/training';

export interface RandomStep {
  /** one training step; `step` seeds dropout */
  run(step: number, inspect?: StepInspector): void;
  /** e.g. "bicyclegan 256 px, ngf/ndf/nef 64/64/64, batch 2, encoder resnet, where_add all, nz 8" */
  label: string;
  dispose(): void;
}

export function makeRandomStep(config: ResolvedConfig, noiseStream: string): RandomStep {
  const spec = methodSpec(config.method);
  const nets = buildMethodNetworks(spec, { model: config.model, data: config.data }, config.seed);
  const optimizers = buildOptimizers(nets, config.train);
  const n = config.train.batch_size;
  const size = config.data.crop_size;
  const A = tf.randomUniform([n, size, size, config.data.input_nc], -1, 1, 'float32', 1) as tf.Tensor4D; // [N,H,W,Cin]
  const B = tf.randomUniform([n, size, size, config.data.output_nc], -1, 1, 'float32', 2) as tf.Tensor4D; // [N,H,W,Cout]
  const rng = Rng.derive(noiseStream);
  const stepCfg = stepConfigFromConfig(spec, config);
  const m = config.model;
  return {
    run: (step, inspect) => {
      bicycleStep(nets, optimizers, { ...stepCfg, dropoutSeed: step }, { A, B }, (_k, rows, nz) => rng.normals(rows * nz), inspect);
    },
    label: `${config.method} ${size} px, ngf/ndf/nef ${m.ngf}/${m.ndf}/${m.nef}, batch ${n}, encoder ${m.encoder}, where_add ${m.where_add}, nz ${m.nz}`,
    dispose: () => {
      tf.dispose([A, B]);
      for (const o of Object.values(optimizers)) o.dispose();
      nets.dispose();
    },
  };
}
