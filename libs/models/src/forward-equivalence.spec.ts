// Numerical equivalence with the official PyTorch networks: import the official init weights,
// run G, E, D, D2 on the fixture inputs, compare with the official eval-mode outputs.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@workbench/backend';
import { readPth } from '@workbench/torch-io';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_CONFIGS, fixtureModelOptions, maxAbsDiff, pthPath, readForward, toTensor, type JsonTensor } from '../test/official-fixtures.js';
import { importOfficial } from './official-import.js';
import { buildNetworks } from './registry.js';

beforeAll(async () => {
  await initBackend({ force: 'wasm' });
});

describe('forward pass equals the official code', () => {
  for (const config of FIXTURE_CONFIGS) {
    it(`${config}: G, E (mu, logvar), D, D2 within the fixture tolerance`, () => {
      const fx = readForward(config);
      const nets = buildNetworks(fixtureModelOptions(fx.options), { seed: 1 });
      const before = tf.memory().numTensors;
      try {
        expect(nets.G.numParams()).toBe(fx.param_counts.G);
        expect(nets.E!.numParams()).toBe(fx.param_counts.E);
        expect(nets.D.numParams()).toBe(fx.param_counts.D);
        expect(nets.D2!.numParams()).toBe(fx.param_counts.D2);
        importOfficial(nets.G, readPth(pthPath(config, 'G')));
        importOfficial(nets.E!, readPth(pthPath(config, 'E')));
        importOfficial(nets.D, readPth(pthPath(config, 'D')));
        importOfficial(nets.D2!, readPth(pthPath(config, 'D2')));
        const diffs: Record<string, number> = {};
        tf.tidy(() => {
          const A = toTensor(fx.inputs.A) as tf.Tensor4D;
          const B = toTensor(fx.inputs.B) as tf.Tensor4D;
          const z = toTensor(fx.inputs.z) as tf.Tensor2D;
          const check = (name: string, ours: tf.Tensor, ref: tf.Tensor, tol: number) => {
            expect(ours.shape).toEqual(ref.shape);
            const d = maxAbsDiff(ours, ref);
            diffs[name] = d;
            expect(d, `${config} ${name}: max abs diff ${d} > tol ${tol}`).toBeLessThanOrEqual(tol);
          };
          check('G', nets.G.apply(A, z), toTensor(fx.outputs.G_A_z), fx.tol.G_A_z);
          const { mu, logvar } = nets.E!.apply(B);
          check('E.mu', mu, toTensor(fx.outputs.E_B_mu), fx.tol.E_B_mu);
          check('E.logvar', logvar, toTensor(fx.outputs.E_B_logvar), fx.tol.E_B_logvar);
          // One patch map per scale, each against the fixture's map and tolerance of that scale.
          const checkScales = (name: string, outs: tf.Tensor4D[], refs: readonly JsonTensor[], tols: readonly number[]) => {
            expect(outs.length, `${config} ${name}: scales`).toBe(refs.length);
            outs.forEach((o, s) => {
              const ref = refs[s];
              const tol = tols[s];
              if (ref === undefined || tol === undefined) throw new Error(`${config}: the fixture has no ${name}[${s}] output or tolerance`);
              check(`${name}[${s}]`, o, toTensor(ref), tol);
            });
          };
          checkScales('D', nets.D.apply(B), fx.outputs.D_B, fx.tol.D_B);
          checkScales('D2', nets.D2!.apply(B), fx.outputs.D2_B, fx.tol.D2_B);
        });
        console.log(`${config} max abs diff: ${Object.entries(diffs).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        for (const n of Object.values(nets)) n?.dispose();
      }
    });
  }
});
