// Backward passes against the official code (train_step.json, iteration 1, official init weights):
// * G and E: the gradients of loss_G + z_L1 (E frozen for z_L1) built from our networks and
//   losses with the recorded noise — G gets loss_G + z_L1, E loss_G only, as officially;
// * D and D2: the gradients of loss_D / loss_D2 on the recorded iteration-1 fake images.
// Compared by per-tensor sum and sum of squares (layout-free) within the fixture's tolerances.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@workbench/backend';
import { ganLoss, klLoss, l1Loss, latentL1Loss } from '@workbench/losses';
import { readPth } from '@workbench/torch-io';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CONFIGS, FIXTURES, fixtureModelOptions, pthPath, toTensor, type JsonTensor } from '../test/official-fixtures.js';
import { importOfficial } from './official-import.js';
import { buildNetworks } from './registry.js';

// wasm by default (fast). MODELS_TEST_BACKEND=cpu runs the same checks on the pure-JS backend
// (slow: minutes), whose float32 rounding is close to PyTorch's.
const BACKEND = process.env.MODELS_TEST_BACKEND === 'cpu' ? 'cpu' : 'wasm';

interface GradRow {
  name: string;
  sum: number;
  sum_sq: number;
}
interface TrainStep {
  options: Record<string, unknown>;
  inputs: { A: JsonTensor; B: JsonTensor };
  noise: Array<{ eps: JsonTensor; z_random: JsonTensor }>;
  iteration1_images: { fake_B_encoded: JsonTensor; fake_B_random: JsonTensor };
  iterations: Iteration[];
}
type NetGrads = Record<'G' | 'E' | 'D' | 'D2', GradRow[]>;
interface Iteration {
  losses: Record<string, number>;
  grads: NetGrads;
  tol: { losses: Record<string, number>; grads: NetGrads };
}

/** Iteration 1 of a fixture: its noise draws and its record, which every check here reads. */
interface FirstIteration {
  noise: TrainStep['noise'][number];
  record: Iteration;
}

beforeAll(async () => {
  await initBackend({ force: BACKEND });
});

function readTrainStep(config: string): TrainStep & { first: FirstIteration } {
  const fx = JSON.parse(readFileSync(join(FIXTURES, config, 'train_step.json'), 'utf8')) as TrainStep;
  const [noise] = fx.noise;
  const [record] = fx.iterations;
  if (!noise || !record) throw new Error(`${config}/train_step.json has no iteration 1 (noise or record): regenerate the fixture`);
  return { ...fx, first: { noise, record } };
}

/** `values[name]`, or an error naming the loss a record lacks. */
function lossValue(values: Record<string, number>, name: string, what: string): number {
  const v = values[name];
  if (v === undefined) throw new Error(`${what} has no loss ${name}`);
  return v;
}

/** Per-tensor [sum, sum of squares] of gradients keyed by official name. */
function checksums(grads: tf.NamedTensorMap, keyOf: Map<string, string>): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const [name, g] of Object.entries(grads)) {
    let s = 0;
    let s2 = 0;
    for (const x of g.dataSync()) {
      s += x;
      s2 += x * x;
    }
    out.set(keyOf.get(name)!, [s, s2]);
  }
  return out;
}

/** Checks every reference row; returns the worst |diff| / tol. */
function compare(label: string, ours: Map<string, [number, number]>, refs: GradRow[], tols: GradRow[]): number {
  const tolOf = new Map(tols.map((r) => [r.name, r]));
  let worst = 0;
  for (const ref of refs) {
    const [s, s2] = ours.get(ref.name) ?? [0, 0]; // absent = not reached = exactly 0
    const tol = tolOf.get(ref.name)!;
    expect(Math.abs(s - ref.sum), `${label} ${ref.name} sum`).toBeLessThanOrEqual(tol.sum);
    expect(Math.abs(s2 - ref.sum_sq), `${label} ${ref.name} sum_sq`).toBeLessThanOrEqual(tol.sum_sq);
    worst = Math.max(worst, Math.abs(s - ref.sum) / tol.sum, Math.abs(s2 - ref.sum_sq) / tol.sum_sq);
  }
  return worst;
}

describe('generator and encoder gradients equal the official iteration-1 gradients', () => {
  for (const config of FIXTURE_CONFIGS) {
    it(`${config}: G (loss_G + z_L1 through frozen E) and E (loss_G only)`, () => {
      const fx = readTrainStep(config);
      const nets = buildNetworks(fixtureModelOptions(fx.options), { seed: 0 });
      try {
        for (const k of ['G', 'E', 'D', 'D2'] as const) importOfficial(nets[k]!, readPth(pthPath(config, k)));
        const { G, E, D, D2 } = nets as Required<typeof nets>;
        const A = toTensor(fx.inputs.A) as tf.Tensor4D;
        const B = toTensor(fx.inputs.B) as tf.Tensor4D;
        const A1 = tf.slice(A, [0, 0, 0, 0], [1, -1, -1, -1]);
        const B1 = tf.slice(B, [0, 0, 0, 0], [1, -1, -1, -1]);
        const eps = toTensor(fx.first.noise.eps) as tf.Tensor2D;
        const zRandom = toTensor(fx.first.noise.z_random) as tf.Tensor2D;
        const losses: Record<string, number> = {};
        const keep = (name: string, t: tf.Scalar) => {
          losses[name] = t.dataSync()[0]!;
          return t;
        };
        const vars = [...G.params().values(), ...E.params().values()];
        const keyOf = new Map([...G.params(), ...E.params()].map(([k, v]) => [v.name, k]));
        // One backward of loss_G + z_L1 with E frozen for z_L1 equals the official two backward
        // passes (loss_G, then z_L1 with E.requires_grad = False) accumulated.
        const { value, grads } = tf.variableGrads(() => {
          const { mu, logvar } = E.apply(B1);
          const zEncoded = tf.add(tf.mul(eps, tf.exp(tf.mul(logvar, 0.5))), mu) as tf.Tensor2D;
          const fakeEncoded = G.apply(A1, zEncoded);
          const fakeRandom = G.apply(A1, zRandom);
          const mu2 = E.apply(fakeRandom, { frozen: true }).mu;
          return tf.addN([
            keep('G_GAN', ganLoss(D.apply(fakeEncoded), true)),
            keep('G_GAN2', ganLoss(D2.apply(fakeRandom), true)),
            keep('G_L1', tf.mul(l1Loss(fakeEncoded, B1), 10)),
            keep('kl', tf.mul(klLoss(mu, logvar), 0.01)),
            keep('z_L1', tf.mul(latentL1Loss(mu2, zRandom), 0.5)),
          ]) as tf.Scalar;
        }, vars);
        const it0 = fx.first.record;
        for (const name of ['G_GAN', 'G_GAN2', 'G_L1', 'kl', 'z_L1']) {
          const diff = Math.abs(lossValue(losses, name, 'our forward pass') - lossValue(it0.losses, name, `${config} iteration 1`));
          expect(diff, `${config} loss ${name}`).toBeLessThanOrEqual(lossValue(it0.tol.losses, name, `${config} tolerances`));
        }
        const ours = checksums(grads, keyOf);
        // one rule on every backend and config: the fixture's tolerances (wasm's float64 Sum/Mean
        // made the rounding-sensitive all_resnet_nz2 pass; it needed 10× before)
        const worstG = compare(`${config} G`, ours, it0.grads.G, it0.tol.grads.G);
        const worstE = compare(`${config} E`, ours, it0.grads.E, it0.tol.grads.E);
        console.log(`${config} (${BACKEND}): worst |diff|/tol of gradient checksums: G ${worstG.toFixed(3)}, E ${worstE.toFixed(3)}`);
        tf.dispose([A, B, A1, B1, eps, zRandom, value, ...Object.values(grads)]);
      } finally {
        for (const n of Object.values(nets)) n?.dispose();
      }
    });
  }
});

describe('discriminator gradients equal the official iteration-1 gradients', () => {
  for (const config of FIXTURE_CONFIGS) {
    it(`${config}: D and D2`, () => {
      const fx = readTrainStep(config);
      const nets = buildNetworks(fixtureModelOptions(fx.options), { seed: 0, withE: false });
      let worst = 0;
      try {
        for (const [kind, fakeKey, realRow] of [['D', 'fake_B_encoded', 0], ['D2', 'fake_B_random', 1]] as const) {
          const net = nets[kind]!;
          importOfficial(net, readPth(pthPath(config, kind)));
          const B = toTensor(fx.inputs.B) as tf.Tensor4D;
          const real = tf.slice(B, [realRow, 0, 0, 0], [1, -1, -1, -1]);
          const fake = toTensor(fx.iteration1_images[fakeKey]) as tf.Tensor4D;
          const vars = [...net.params().values()];
          const keyOf = new Map([...net.params()].map(([k, v]) => [v.name, k]));
          const { value, grads } = tf.variableGrads(
            () => tf.add(ganLoss(net.apply(fake), false), ganLoss(net.apply(real), true)) as tf.Scalar,
            vars,
          );
          const ours = new Map<string, [number, number]>();
          for (const [name, g] of Object.entries(grads)) {
            const d = g.dataSync();
            let s = 0;
            let s2 = 0;
            for (const x of d) {
              s += x;
              s2 += x * x;
            }
            ours.set(keyOf.get(name)!, [s, s2]);
          }
          const tols = new Map(fx.first.record.tol.grads[kind].map((r) => [r.name, r]));
          for (const ref of fx.first.record.grads[kind]) {
            const [s, s2] = ours.get(ref.name)!;
            const tol = tols.get(ref.name)!;
            expect(Math.abs(s - ref.sum), `${config} ${kind} ${ref.name} sum`).toBeLessThanOrEqual(tol.sum);
            expect(Math.abs(s2 - ref.sum_sq), `${config} ${kind} ${ref.name} sum_sq`).toBeLessThanOrEqual(tol.sum_sq);
            worst = Math.max(worst, Math.abs(s - ref.sum) / tol.sum, Math.abs(s2 - ref.sum_sq) / tol.sum_sq);
          }
          tf.dispose([B, real, fake, value, ...Object.values(grads)]);
        }
        console.log(`${config} (${BACKEND}): worst |diff|/tol over D and D2 gradient checksums = ${worst.toFixed(3)}`);
      } finally {
        for (const n of Object.values(nets)) n?.dispose();
      }
    });
  }
});
