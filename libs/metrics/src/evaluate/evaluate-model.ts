// Every metric that applies to one trained model, on the test split:
//
//  - diversity (LPIPS when weights are present, and the weight-free L1 always): the first N test
//    inputs × M random z ~ N(0, I), consecutive (or all) pairs;
//  - the "random real pairs" upper bound on the B images of the same N inputs;
//  - reconstruction error |B − G(A, E(B).mu)| over the whole test split (models with an encoder),
//    and on shapes how many of those encoded fills are the ground truth's palette mode: how much of
//    B's colours E's code carries to G (the cVAE half's job; chance is about 1/K);
//  - ground-truth mode statistics (shapes dataset only: samples carry their masks and modes);
//  - the realism proxy C2ST: a small classifier's held-out accuracy on real B vs G(A, z_1) per input;
//  - a sample grid: rows = inputs; columns = input A, ground truth B, encoded G(A, E(B).mu), M samples.
//
// G and E run in eval mode (dropout off), as the official test.py does after model.eval().
// z draws are seeded per input, so two models evaluated with the same seed see the same z.
import * as tf from '@tensorflow/tfjs';
import { classifyFills, writeImageGrid, type GridRow, type PairedDataset, type Sample } from '@workbench/data';
import { Rng } from '@workbench/random';
import { DiversityAccumulator, type DiversityResult } from '../diversity/diversity.js';
import { realPairsDiversity } from '../diversity/real-pairs.js';
import type { PairMode } from '../diversity/sample-pairs.js';
import type { Lpips } from '../lpips/lpips.js';
import { fillReportOf, ModeCoverageAccumulator, type ModeCoverageResult } from '../modes/mode-coverage.js';
import { reconstructionL1 } from '../reconstruction.js';
import { classifierTwoSampleTest, type C2stResult } from '../realism/classifier-two-sample.js';
import { meanSe, type MeanSe } from '../stats/summary.js';

/** The slice of the models' Generator this needs. */
export interface EvalGenerator {
  apply(a: tf.Tensor4D, z: tf.Tensor2D, opts?: { training?: boolean }): tf.Tensor4D;
}
/** The slice of the models' Encoder this needs. */
export interface EvalEncoder {
  apply(b: tf.Tensor4D, opts?: { training?: boolean }): { mu: tf.Tensor2D; logvar: tf.Tensor2D };
}

export type EvalPhase = 'samples' | 'reconstruction' | 'real pairs';

export interface EvaluateOptions {
  /** N: test inputs for the diversity protocol (`eval.n_inputs`); capped at the split size. */
  nInputs: number;
  /** M: random z per input (`eval.n_samples`). */
  nSamples: number;
  pairs: PairMode;
  nz: number;
  /** LPIPS instance; absent = LPIPS skipped (say why in `lpipsSkipped`). */
  lpips?: Lpips;
  /** Why LPIPS is not computed (reported with the results). */
  lpipsSkipped?: string;
  /** Seed of the z draws and of the real-pair choice (default 0). */
  seed?: number;
  /** Write the sample grid here (PNG). */
  gridPath?: string;
  /** Rows of the grid (default 8; the first inputs). */
  gridRows?: number;
  /** Run the classifier two-sample test (default true; needs ≥ 4 inputs). */
  c2st?: boolean;
  /** Reconstruction error over the first K test images only (default: the whole split). */
  reconstructionInputs?: number;
  /** Called after each unit of work. */
  onProgress?: (done: number, total: number, phase: EvalPhase) => void;
}

export interface EvalReport {
  nInputs: number;
  nSamples: number;
  pairs: PairMode;
  lpipsVersion?: string;
  lpipsSkipped?: string;
  diversity: DiversityResult;
  realPairs: DiversityResult;
  /** Mean |B − G(A, E(B).mu)| per test image; absent without an encoder. */
  reconstruction?: MeanSe;
  /**
   * Shapes dataset, models with an encoder: per shape of the reconstruction inputs, 1 when the fill
   * of G(A, E(B).mu) classifies as the ground truth's mode, else 0; absent otherwise.
   */
  encodedModes?: MeanSe;
  /** Shapes dataset only. */
  modes?: ModeCoverageResult;
  /** Realism proxy: real vs generated classifier accuracy on held-out inputs (absent when off). */
  c2st?: C2stResult;
  gridPath?: string;
}

/** Images per forward pass: bounded by pixels so 256 px models stay within the wasm heap. */
function chunkSize(h: number, w: number): number {
  return Math.max(1, Math.floor((16 * 256 * 256) / (h * w)));
}

function sampleTensors(s: Sample, inputNc: number, outputNc: number): { a: tf.Tensor4D; b: tf.Tensor4D } {
  return {
    a: tf.tensor4d(s.A, [1, s.height, s.width, inputNc]),
    b: tf.tensor4d(s.B, [1, s.height, s.width, outputNc]),
  };
}

/** G(a, z) for M z rows with a single input a [1,H,W,C]: [M,H,W,Cout], in chunks. */
function generateSamples(G: EvalGenerator, a: tf.Tensor4D, z: tf.Tensor2D): tf.Tensor4D {
  const m = z.shape[0];
  const step = chunkSize(a.shape[1], a.shape[2]);
  const parts: tf.Tensor4D[] = [];
  for (let s = 0; s < m; s += step) {
    const n = Math.min(step, m - s);
    parts.push(tf.tidy(() => G.apply(tf.tile(a, [n, 1, 1, 1]) as tf.Tensor4D, tf.slice(z, [s, 0], [n, -1]), { training: false })));
  }
  const [only, ...rest] = parts;
  if (only !== undefined && rest.length === 0) return only;
  const out = tf.concat(parts) as tf.Tensor4D;
  tf.dispose(parts);
  return out;
}

/** G(A, E(B).mu): the encoded (reconstructed) output. */
function encode(G: EvalGenerator, E: EvalEncoder, a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => G.apply(a, E.apply(b, { training: false }).mu, { training: false }));
}

export async function evaluateModel(
  nets: { G: EvalGenerator; E?: EvalEncoder },
  dataset: PairedDataset,
  opts: EvaluateOptions,
): Promise<EvalReport> {
  const { G, E } = nets;
  const n = Math.min(opts.nInputs, dataset.size);
  const m = opts.nSamples;
  if (n < 2) throw new Error(`evaluation needs at least 2 inputs; the ${dataset.name} ${dataset.split} split has ${dataset.size} (eval.n_inputs=${opts.nInputs})`);
  const seed = opts.seed ?? 0;
  const gridRows = Math.min(opts.gridRows ?? 8, n);
  const reconTotal = E ? Math.min(opts.reconstructionInputs ?? dataset.size, dataset.size) : 0;
  const total = n + reconTotal + 1;
  let done = 0;
  const tick = (phase: EvalPhase) => opts.onProgress?.(++done, total, phase);

  const diversity = new DiversityAccumulator(m, opts.pairs, opts.lpips);
  const first = await dataset.get(0);
  const modes = first.meta ? new ModeCoverageAccumulator(first.meta.palette.fills.length) : undefined;
  const grid: GridRow[] = [];
  const gridTensors: tf.Tensor[] = [];
  const reals: tf.Tensor4D[] = [];
  const withC2st = opts.c2st !== false && n >= 4;
  const firstSamples: tf.Tensor4D[] = []; // G(A_i, z_1) per input, for the C2ST
  try {
    for (let i = 0; i < n; i++) {
      const sample = i === 0 ? first : await dataset.get(i);
      const { a, b } = sampleTensors(sample, dataset.inputNc, dataset.outputNc);
      reals.push(b);
      // A distinct, reproducible z stream per input: [M,nz] ~ N(0, I), from the project's seeded Rng.
      const z = tf.tensor2d(Rng.derive(seed, 'eval-z', i).normals(m * opts.nz), [m, opts.nz]);
      const samples = generateSamples(G, a, z);
      z.dispose();
      diversity.add(samples);
      if (withC2st) firstSamples.push(tf.slice(samples, [0, 0, 0, 0], [1, -1, -1, -1]));
      if (modes && sample.meta) {
        const data = samples.dataSync() as Float32Array;
        const per = sample.height * sample.width * dataset.outputNc;
        const meta = sample.meta;
        modes.add(
          Array.from({ length: m }, (_, k) => {
            return fillReportOf(classifyFills(data.subarray(k * per, (k + 1) * per), meta));
          }),
        );
      }
      if (opts.gridPath && i < gridRows) {
        const encoded = E ? encode(G, E, a, b) : null;
        const row = tf.tidy(() => tf.unstack(samples).map((t) => t.expandDims(0) as tf.Tensor4D));
        gridTensors.push(a, ...row, ...(encoded ? [encoded] : []));
        grid.push({ label: `#${sample.index}`, images: [a, b, encoded, ...row] });
      } else {
        a.dispose();
      }
      samples.dispose();
      tick('samples');
      await Promise.resolve(); // let the progress bar repaint
    }

    let reconstruction: MeanSe | undefined;
    let encodedModes: MeanSe | undefined;
    if (E) {
      const errs: number[] = [];
      const encodedHits: number[] = [];
      const step = chunkSize(dataset.height, dataset.width);
      for (let s = 0; s < reconTotal; s += step) {
        const batch = await Promise.all(Array.from({ length: Math.min(step, reconTotal - s) }, (_, k) => dataset.get(s + k)));
        const out = tf.tidy(() => {
          const pairs = batch.map((x) => sampleTensors(x, dataset.inputNc, dataset.outputNc));
          const a = tf.concat(pairs.map((p) => p.a)) as tf.Tensor4D;
          const b = tf.concat(pairs.map((p) => p.b)) as tf.Tensor4D;
          const encoded = encode(G, E, a, b); // [k,H,W,Cout]
          return { err: reconstructionL1(b, encoded), encoded };
        });
        // Read after tidy: tidy would walk a returned typed array element by element.
        errs.push(...out.err.dataSync());
        if (modes) {
          const data = out.encoded.dataSync() as Float32Array;
          const per = dataset.height * dataset.width * dataset.outputNc;
          batch.forEach((x, k) => {
            if (!x.meta) return;
            for (const v of classifyFills(data.subarray(k * per, (k + 1) * per), x.meta).shapes) encodedHits.push(v.mode === v.trueMode ? 1 : 0);
          });
        }
        tf.dispose([out.err, out.encoded]);
        for (let k = 0; k < batch.length; k++) tick('reconstruction');
      }
      reconstruction = meanSe(errs);
      if (encodedHits.length > 0) encodedModes = meanSe(encodedHits);
    }

    // As many real pairs as the diversity protocol has distances.
    const realStack = tf.concat(reals) as tf.Tensor4D;
    const realPairs = realPairsDiversity(realStack, n * diversity.pairs.length, seed, opts.lpips);
    let c2st: C2stResult | undefined;
    if (withC2st) {
      const fakeStack = tf.concat(firstSamples) as tf.Tensor4D;
      c2st = classifierTwoSampleTest(realStack, fakeStack, { seed });
      fakeStack.dispose();
    }
    realStack.dispose();
    tick('real pairs');

    if (opts.gridPath) {
      const columns = ['A', 'ground truth', E ? 'encoded' : '(no encoder)', ...Array.from({ length: m }, (_, k) => `z${k + 1}`)];
      await writeImageGrid(opts.gridPath, grid, { columnLabels: columns, scale: dataset.height < 64 ? 2 : 1 });
    }
    return {
      nInputs: n,
      nSamples: m,
      pairs: opts.pairs,
      lpipsVersion: opts.lpips?.version,
      lpipsSkipped: opts.lpips ? undefined : opts.lpipsSkipped,
      diversity: diversity.result(),
      realPairs,
      reconstruction,
      encodedModes,
      modes: modes?.result(),
      c2st,
      gridPath: opts.gridPath,
    };
  } finally {
    tf.dispose(reals);
    tf.dispose(firstSamples);
    tf.dispose(gridTensors);
  }
}
