// Networks and optimizers for a method, from the resolved config.
import { buildNetworks, modelOptionsFromConfig, type ModelConfigSlice } from '@workbench/models';
import { Adam } from './adam.js';
import type { ResolvedConfig } from '@workbench/config';
import type { StepConfig } from './bicycle-step.js';
import type { MethodSpec, NetName } from './methods.js';
import type { TrainNetworks } from './networks.js';

/** G, D always; E and D2 only where the method uses them (official: D2 only with lambda_GAN2 > 0). */
export function buildMethodNetworks(spec: MethodSpec, cfg: ModelConfigSlice, seed: number): TrainNetworks & { dispose(): void } {
  const nets = buildNetworks(modelOptionsFromConfig(cfg), { seed, withE: spec.networks.includes('E'), withD2: spec.networks.includes('D2') });
  return {
    ...nets,
    dispose: () => {
      for (const n of [nets.G, nets.E, nets.D, nets.D2]) n?.dispose();
    },
  };
}

/** One Adam per network, as the official code (same lr and betas for all four). */
export function buildOptimizers(nets: TrainNetworks, train: { lr: number; beta1: number; beta2: number }): Partial<Record<NetName, Adam>> & { G: Adam; D: Adam } {
  const make = (n: { params(): Map<string, import('@tensorflow/tfjs').Variable> }): Adam => new Adam(n.params(), { lr: train.lr, beta1: train.beta1, beta2: train.beta2, eps: 1e-8 });
  const out: Partial<Record<NetName, Adam>> & { G: Adam; D: Adam } = { G: make(nets.G), D: make(nets.D) };
  if (nets.E) out.E = make(nets.E);
  if (nets.D2) out.D2 = make(nets.D2);
  return out;
}

/** The step's settings from the resolved config (training mode; the trainer adds each step's dropout seed). */
export function stepConfigFromConfig(spec: MethodSpec, config: Pick<ResolvedConfig, 'model' | 'loss'>): StepConfig {
  return { spec, nz: config.model.nz, lambdas: config.loss, ganMode: config.model.gan_mode, conditionalD: config.model.conditional_D, training: true };
}
