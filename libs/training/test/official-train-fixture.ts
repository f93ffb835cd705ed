// Reads the official 3-iteration training fixture (fixtures/official/<config>/train_step.json,
// see fixtures/official/README.md sections 6-8) and compares a run of bicycleStep against it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

export const FIXTURE_ROOT = fileURLToPath(new URL('../../../fixtures/official/', import.meta.url));

export interface JsonTensor {
  shape: number[];
  layout: string;
  b64: string;
}
interface ParamRow {
  name: string;
  in_cancelled_bias: boolean;
  numel?: number;
  sum: number;
  sum_sq: number;
  delta_l1?: number;
  delta_sq?: number;
}
type NetRows = Record<'G' | 'E' | 'D' | 'D2', ParamRow[]>;
export interface FixtureIteration {
  iter: number;
  losses: Record<string, number>;
  loss_G: number;
  gan_terms: Record<string, { total: number; per_scale: number[] }>;
  tensors: Record<string, JsonTensor>;
  grads: NetRows;
  params_after: NetRows;
  tol: {
    losses: Record<string, number>;
    loss_G: number;
    gan_terms: Record<string, { total: number; per_scale: number[] }>;
    tensors?: Record<string, number>;
    grads?: Record<string, Array<{ name: string; sum: number; sum_sq: number }>>;
    params_after: Record<string, Array<{ name: string; delta_l1: number; delta_sq: number }>>;
  };
}
export interface TrainFixture {
  config: string;
  options: Record<string, unknown> & { nz: number; where_add: 'input' | 'all'; netE: string; ngf: number; ndf: number; nef: number; use_dropout: boolean; crop_size: number; lr: number };
  optimizer: { lr: number; betas: [number, number]; eps: number };
  adam_step_bound: number[];
  inputs: { A: JsonTensor; B: JsonTensor };
  noise: Array<{ eps: JsonTensor; z_random: JsonTensor }>;
  iterations: FixtureIteration[];
  iteration1_images: Record<string, JsonTensor>;
  iteration1_images_tol: Record<string, number>;
}

export function readTrainFixture(config: string): TrainFixture {
  return JSON.parse(readFileSync(`${FIXTURE_ROOT}${config}/train_step.json`, 'utf8')) as TrainFixture;
}

type NetSums = Record<'G' | 'E' | 'D' | 'D2', { sum: number; sum_sq: number }>;

/** fixtures/official/<config>/final_sums.json (written by fixtures/official/final_sums.py). */
export interface FinalSums {
  numel: Record<'G' | 'E' | 'D' | 'D2', number>;
  ref: NetSums;
  spread: NetSums;
  tol: NetSums;
}

export function readFinalSums(config: string): FinalSums {
  return JSON.parse(readFileSync(`${FIXTURE_ROOT}${config}/final_sums.json`, 'utf8')) as FinalSums;
}

export function decode(t: JsonTensor): Float32Array {
  const bytes = Buffer.from(t.b64, 'base64');
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes); // copy: Buffer's offset may not be 4-aligned
  return out;
}

/** NCHW fixture image -> NHWC tensor. */
export function nhwc(t: JsonTensor): tf.Tensor4D {
  return tf.tidy(() => tf.tensor4d(decode(t), t.shape as [number, number, number, number]).transpose([0, 2, 3, 1]));
}

/** Collects |mine − ref| / tol for every required number; worst ratio and relative error per kind. */
export class Comparison {
  readonly failures: string[] = [];
  /** Largest |diff|/tol per category. */
  readonly worstRatio = new Map<string, number>();
  /** Largest |diff|/|ref| per category (diagnostic, printed in the summary; the tolerances decide). */
  readonly worstRel = new Map<string, number>();

  check(category: string, what: string, mine: number, ref: number, tol: number): void {
    const diff = Math.abs(mine - ref);
    const ratio = tol > 0 ? diff / tol : diff === 0 ? 0 : Infinity;
    this.worstRatio.set(category, Math.max(this.worstRatio.get(category) ?? 0, ratio));
    if (Math.abs(ref) > 1e-6) this.worstRel.set(category, Math.max(this.worstRel.get(category) ?? 0, diff / Math.abs(ref)));
    if (!(diff <= tol)) this.failures.push(`${category} ${what}: mine ${mine}, ref ${ref}, |diff| ${diff.toExponential(3)} > tol ${tol.toExponential(3)}`);
  }

  checkMax(category: string, what: string, mine: Float32Array, ref: Float32Array, tol: number): void {
    if (mine.length !== ref.length) {
      this.failures.push(`${category} ${what}: ${mine.length} values, ref ${ref.length}`);
      return;
    }
    let worst = 0;
    let refMax = 0;
    for (let i = 0; i < ref.length; i++) {
      worst = Math.max(worst, Math.abs(mine[i]! - ref[i]!));
      refMax = Math.max(refMax, Math.abs(ref[i]!));
    }
    this.worstRatio.set(category, Math.max(this.worstRatio.get(category) ?? 0, worst / tol));
    if (refMax > 0) this.worstRel.set(category, Math.max(this.worstRel.get(category) ?? 0, worst / refMax));
    if (!(worst <= tol)) this.failures.push(`${category} ${what}: max |diff| ${worst.toExponential(3)} > tol ${tol.toExponential(3)}`);
  }

  fail(message: string): void {
    this.failures.push(message);
  }

  summary(): string {
    const cats = [...this.worstRatio.keys()].sort();
    return cats
      .map((c) => `${c}: worst |diff|/tol ${this.worstRatio.get(c)!.toFixed(3)}, max rel err ${(this.worstRel.get(c) ?? 0).toExponential(2)}`)
      .join('\n');
  }
}

/** float64 sum and sum of squares of a tensor's values. */
export function sums(data: Float32Array | Float64Array): { sum: number; sumSq: number; l1: number } {
  let sum = 0;
  let sumSq = 0;
  let l1 = 0;
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    sum += x;
    sumSq += x * x;
    l1 += Math.abs(x);
  }
  return { sum, sumSq, l1 };
}
