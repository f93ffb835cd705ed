// Backward pass of the discriminators against the official code: the iteration-1 gradients of
// loss_D and loss_D2 (train_step.json), computed from the recorded iteration-1 fake images, the
// official init weights and our losses. Compared by per-tensor sum and sum of squares (layout-free)
// within the fixture's tolerances.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@workbench/backend';
import { ganLoss } from '@workbench/losses';
import { readPth } from '@workbench/torch-io';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CONFIGS, FIXTURES, fixtureModelOptions, pthPath, toTensor, type JsonTensor } from '../test/official-fixtures.js';
import { importOfficial } from './official-import.js';
import { buildNetworks } from './registry.js';

interface GradRow {
  name: string;
  sum: number;
  sum_sq: number;
}
interface TrainStep {
  options: Record<string, unknown>;
  inputs: { A: JsonTensor; B: JsonTensor };
  iteration1_images: { fake_B_encoded: JsonTensor; fake_B_random: JsonTensor };
  iterations: Array<{ grads: Record<string, GradRow[]>; tol: { grads: Record<string, GradRow[]> } }>;
}

beforeAll(async () => {
  await initBackend({ force: 'wasm' });
});

describe('discriminator gradients equal the official iteration-1 gradients', () => {
  for (const config of FIXTURE_CONFIGS) {
    it(`${config}: D and D2`, () => {
      const fx = JSON.parse(readFileSync(join(FIXTURES, config, 'train_step.json'), 'utf8')) as TrainStep;
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
          const tols = new Map(fx.iterations[0].tol.grads[kind].map((r) => [r.name, r]));
          for (const ref of fx.iterations[0].grads[kind]) {
            const [s, s2] = ours.get(ref.name)!;
            const tol = tols.get(ref.name)!;
            expect(Math.abs(s - ref.sum), `${config} ${kind} ${ref.name} sum`).toBeLessThanOrEqual(tol.sum);
            expect(Math.abs(s2 - ref.sum_sq), `${config} ${kind} ${ref.name} sum_sq`).toBeLessThanOrEqual(tol.sum_sq);
            worst = Math.max(worst, Math.abs(s - ref.sum) / tol.sum, Math.abs(s2 - ref.sum_sq) / tol.sum_sq);
          }
          tf.dispose([B, real, fake, value, ...Object.values(grads)]);
        }
        console.log(`${config}: worst |diff|/tol over D and D2 gradient checksums = ${worst.toFixed(3)}`);
      } finally {
        for (const n of Object.values(nets)) n?.dispose();
      }
    });
  }
});
