import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@workbench/backend';
import { createDataset, type PairedDataset } from '@workbench/data';
import { buildNetworks, DEFAULT_MODEL_OPTIONS } from '@workbench/models';
import { fixtureLpips } from '../../test/fixture-lpips.js';
import type { Lpips } from '../lpips/lpips.js';
import { evaluateModel, type EvalGenerator } from './evaluate-model.js';
import { evalReportRows, EVAL_METRICS } from './eval-results.js';

let dir: string;
let ds: PairedDataset;
let lpips: Lpips;
beforeAll(async () => {
  await initBackend({ force: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'eval-model-'));
  ds = await createDataset({ dataset: 'shapes', crop_size: 32, load_size: 32, test_size: 10 }, 'test');
  lpips = fixtureLpips('0.0');
});
afterAll(() => {
  lpips.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('evaluateModel', () => {
  it('runs every metric on a fresh tiny model, reproducibly, without leaking tensors', async () => {
    const nets = buildNetworks({ ...DEFAULT_MODEL_OPTIONS, cropSize: 32, ngf: 8, nef: 8, ndf: 8, nz: 4 }, { seed: 3, withD2: false });
    const before = tf.memory().numTensors;
    const opts = { nInputs: 6, nSamples: 4, pairs: 'consecutive' as const, nz: 4, lpips, gridPath: join(dir, 'grid.png'), gridRows: 3 };
    const r1 = await evaluateModel(nets, ds, opts);
    expect(tf.memory().numTensors).toBe(before);
    const r2 = await evaluateModel(nets, ds, { ...opts, gridPath: undefined });
    expect(r2.diversity).toEqual(r1.diversity);
    expect(r2.reconstruction).toEqual(r1.reconstruction);
    expect(r2.c2st).toEqual(r1.c2st); // seeded classifier: the same accuracy twice
    expect(r1.c2st!.nTest).toBe(6); // inputs 1, 3, 5: real + generated
    expect(r1.c2st!.lo).toBeLessThanOrEqual(r1.c2st!.accuracy);

    expect(r1.diversity.l1.n).toBe(6 * 3);
    expect(r1.diversity.lpips!.n).toBe(6 * 3);
    expect(r1.diversity.l1.mean).toBeGreaterThan(0);
    expect(r1.realPairs.lpips!.n).toBe(6 * 3);
    expect(r1.reconstruction!.n).toBe(10); // the whole test split
    expect(r1.modes!.numModes).toBe(6);
    expect(r1.modes!.samplesPerInput).toBe(4);
    // 3 rows; columns A, ground truth, encoded and 4 samples of 32 px, scaled ×2 with 2 px gaps.
    const meta = await sharp(join(dir, 'grid.png')).metadata();
    expect(meta.width).toBeGreaterThanOrEqual(7 * 64);
    expect(meta.height).toBeGreaterThanOrEqual(3 * 64);

    const names = evalReportRows(r1, 100).map((x) => x.metric);
    expect(names).toEqual([
      'diversity_l1', 'real_pairs_l1', 'diversity_lpips_v0.0', 'real_pairs_lpips_v0.0',
      'reconstruction_l1', 'encoded_mode_accuracy', 'mode_coverage', 'mode_tv', 'mode_no_match', 'mode_leak', 'c2st_accuracy',
    ]);
    nets.G.dispose();
    nets.E!.dispose();
    nets.D.dispose();
  });

  it('gives diversity exactly 0 for a generator that ignores z, and the known reconstruction error', async () => {
    // G(A, z) = A: every sample is the input image.
    const G: EvalGenerator = { apply: (a) => tf.clone(a) };
    const E = { apply: (b: tf.Tensor4D) => tf.tidy(() => ({ mu: tf.zeros([b.shape[0], 2]) as tf.Tensor2D, logvar: tf.zeros([b.shape[0], 2]) as tf.Tensor2D })) };
    const r = await evaluateModel({ G, E }, ds, { nInputs: 4, nSamples: 3, pairs: 'all', nz: 2, lpips });
    expect(r.diversity.l1).toEqual({ mean: 0, std: 0, se: 0, n: 12 });
    expect(r.diversity.lpips).toEqual({ mean: 0, std: 0, se: 0, n: 12 });
    let sum = 0;
    for (let i = 0; i < ds.size; i++) {
      const s = await ds.get(i);
      let e = 0;
      for (let k = 0; k < s.A.length; k++) e += Math.abs(s.A[k]! - s.B[k]!);
      sum += e / s.A.length;
    }
    expect(r.reconstruction!.mean).toBeCloseTo(sum / ds.size, 6);
    // Black-on-white outlines are no palette colour: every fill is 'no mode'.
    expect(r.modes!.noModeFraction.mean).toBe(1);
    // ... so no encoded fill is the ground truth's mode either.
    expect(r.encodedModes!.mean).toBe(0);
    expect(r.lpipsSkipped).toBeUndefined();
  });

  it('counts every encoded fill as correct for a G that reproduces B, one verdict per shape of the split', async () => {
    const samples = await Promise.all(Array.from({ length: ds.size }, (_, i) => ds.get(i)));
    const per = ds.height * ds.width * ds.outputNc;
    // G(A, z) = the B whose A this is (looked up by A's bytes): a perfect reconstruction, whatever z says.
    const G: EvalGenerator = {
      apply: (a) => {
        const data = a.dataSync();
        const out = new Float32Array(a.shape[0] * per);
        for (let k = 0; k < a.shape[0]; k++) {
          const row = data.subarray(k * per, (k + 1) * per);
          const match = samples.find((s) => s.A.every((v, j) => v === row[j]));
          if (!match) throw new Error('input not in the split');
          out.set(match.B, k * per);
        }
        return tf.tensor4d(out, [a.shape[0], ds.height, ds.width, ds.outputNc]);
      },
    };
    const E = { apply: (b: tf.Tensor4D) => tf.tidy(() => ({ mu: tf.zeros([b.shape[0], 2]) as tf.Tensor2D, logvar: tf.zeros([b.shape[0], 2]) as tf.Tensor2D })) };
    const r = await evaluateModel({ G, E }, ds, { nInputs: 2, nSamples: 2, pairs: 'consecutive', nz: 2, c2st: false });
    const shapes = samples.reduce((n, s) => n + s.meta!.shapes.length, 0);
    expect(shapes).toBeGreaterThan(ds.size); // some samples have several shapes
    expect(r.encodedModes).toEqual({ mean: 1, std: 0, se: 0, n: shapes });
    const row = evalReportRows(r, 5).find((x) => x.metric === EVAL_METRICS.encodedModeAccuracy)!;
    expect(row.details).toMatchObject({ num_modes: 6, chance: 1 / 6 });
  });

  it('reports LPIPS as skipped, and still computes diversity_l1, when no LPIPS is given', async () => {
    const G: EvalGenerator = { apply: (a, z) => tf.tidy(() => tf.add(tf.mul(a, 0), tf.reshape(tf.slice(z, [0, 0], [-1, 1]), [-1, 1, 1, 1]).tanh())) as tf.Tensor4D };
    const r = await evaluateModel({ G }, ds, { nInputs: 3, nSamples: 2, pairs: 'consecutive', nz: 1, lpipsSkipped: 'no weights' });
    expect(r.lpipsSkipped).toBe('no weights');
    expect(r.diversity.lpips).toBeUndefined();
    expect(r.diversity.l1.mean).toBeGreaterThan(0);
    expect(r.reconstruction).toBeUndefined();
    expect(evalReportRows(r, null).map((x) => x.metric)).not.toContain(EVAL_METRICS.diversityLpips('0.0'));
  });
});
