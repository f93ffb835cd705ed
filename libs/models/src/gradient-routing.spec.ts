// Which loss reaches which network (bicyclegan-official.md §4.4), with our networks and the
// losses library: in particular the latent L1 reaches G through E's activations but not E's
// weights (E read with `frozen: true`).
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@workbench/backend';
import { ganLoss, klLoss, l1Loss, latentL1Loss } from '@workbench/losses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Network } from './network.js';
import { DEFAULT_MODEL_OPTIONS } from './model-options.js';
import { buildNetworks, type Networks } from './registry.js';

let nets: Networks;
let A: tf.Tensor4D;
let B: tf.Tensor4D;
let zRandom: tf.Tensor2D;
let eps: tf.Tensor2D;

beforeAll(async () => {
  await initBackend({ force: 'wasm' });
  nets = buildNetworks({ ...DEFAULT_MODEL_OPTIONS, cropSize: 32, ngf: 4, nef: 4, ndf: 4, nz: 2, use_dropout: false }, { seed: 3 });
  A = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 1);
  B = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 2);
  zRandom = tf.randomNormal([1, 2], 0, 1, 'float32', 3);
  eps = tf.randomNormal([1, 2], 0, 1, 'float32', 4);
});

afterAll(() => {
  for (const n of Object.values(nets)) n?.dispose();
  tf.dispose([A, B, zRandom, eps]);
});

type Net = 'G' | 'E' | 'D' | 'D2';

/** Σ|grad| per network of `loss` w.r.t. every variable of G, E, D, D2 (0 where unconnected). */
function gradientReach(loss: () => tf.Scalar): Record<Net, number> {
  const all: Array<[Net, Network]> = [['G', nets.G], ['E', nets.E!], ['D', nets.D], ['D2', nets.D2!]];
  const owner = new Map<string, Net>();
  const varList: tf.Variable[] = [];
  for (const [name, net] of all) {
    for (const v of net.params().values()) {
      owner.set(v.name, name);
      varList.push(v);
    }
  }
  const { value, grads } = tf.variableGrads(loss, varList);
  const reach: Record<Net, number> = { G: 0, E: 0, D: 0, D2: 0 };
  for (const [name, g] of Object.entries(grads)) reach[owner.get(name)!] += tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]!);
  tf.dispose([value, ...Object.values(grads)]);
  return reach;
}

/** The forward of bicycle_gan_model.forward() for a batch of 1 + 1 (here A1 = A, B1 = B). */
function encoded(): { fake: tf.Tensor4D; mu: tf.Tensor2D; logvar: tf.Tensor2D } {
  const { mu, logvar } = nets.E!.apply(B);
  const z = tf.add(mu, tf.mul(eps, tf.exp(tf.mul(logvar, 0.5)))) as tf.Tensor2D;
  return { fake: nets.G.apply(A, z), mu, logvar };
}

describe('gradient routing (official table 4.4)', () => {
  it('G_GAN reaches G and E (through z_encoded)', () => {
    const r = gradientReach(() => ganLoss(nets.D.apply(encoded().fake), true));
    expect(r.G).toBeGreaterThan(0);
    expect(r.E).toBeGreaterThan(0);
    expect(r.D2).toBe(0);
  });

  it('G_GAN2 reaches G only, never E', () => {
    const r = gradientReach(() => ganLoss(nets.D2!.apply(nets.G.apply(A, zRandom)), true));
    expect(r.G).toBeGreaterThan(0);
    expect(r.E).toBe(0);
  });

  it('G_L1 reaches G and E', () => {
    const r = gradientReach(() => l1Loss(encoded().fake, B));
    expect(r.G).toBeGreaterThan(0);
    expect(r.E).toBeGreaterThan(0);
    expect(r.D + r.D2).toBe(0);
  });

  it('kl reaches E only', () => {
    const r = gradientReach(() => {
      const { mu, logvar } = nets.E!.apply(B);
      return klLoss(mu, logvar);
    });
    expect(r.E).toBeGreaterThan(0);
    expect(r.G + r.D + r.D2).toBe(0);
  });

  it('z_L1 reaches G through E\'s activations but not E\'s weights', () => {
    const frozen = gradientReach(() => latentL1Loss(nets.E!.apply(nets.G.apply(A, zRandom), { frozen: true }).mu, zRandom));
    expect(frozen.G).toBeGreaterThan(0);
    expect(frozen.E).toBe(0);
    // Without the freeze, E's weights would be reached: the freeze is what stops it.
    const open = gradientReach(() => latentL1Loss(nets.E!.apply(nets.G.apply(A, zRandom)).mu, zRandom));
    expect(open.E).toBeGreaterThan(0);
    // Freezing changes gradients, not values; G receives the same gradient either way.
    expect(frozen.G).toBeCloseTo(open.G, 10);
  });

  it('D loss reaches D only (fakes detached), D2 loss reaches D2 only', () => {
    const fake = tf.tidy(() => encoded().fake); // made outside the gradient function = detached
    const fake2 = tf.tidy(() => nets.G.apply(A, zRandom));
    const r = gradientReach(() => tf.add(ganLoss(nets.D.apply(fake), false), ganLoss(nets.D.apply(B), true)));
    expect(r.D).toBeGreaterThan(0);
    expect(r.G + r.E + r.D2).toBe(0);
    const r2 = gradientReach(() => tf.add(ganLoss(nets.D2!.apply(fake2), false), ganLoss(nets.D2!.apply(B), true)));
    expect(r2.D2).toBeGreaterThan(0);
    expect(r2.G + r2.E + r2.D).toBe(0);
    tf.dispose([fake, fake2]);
  });

  it('frozen E returns the same mu and logvar', () => {
    tf.tidy(() => {
      const a = nets.E!.apply(B);
      const b = nets.E!.apply(B, { frozen: true });
      expect(tf.max(tf.abs(tf.sub(a.mu, b.mu))).dataSync()[0]).toBe(0);
      expect(tf.max(tf.abs(tf.sub(a.logvar, b.logvar))).dataSync()[0]).toBe(0);
    });
  });
});
