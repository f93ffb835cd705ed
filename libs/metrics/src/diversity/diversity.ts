// The BicycleGAN diversity protocol (paper §4; official README "Metrics"):
// for each of N test inputs, M outputs G(A, z_m) with z_m ~ N(0, I); the distance between
// consecutive samples (M-1 per input; `all` = every pair), averaged over all N·(M-1) distances
// and reported as mean ± std/√n. Higher = more diverse.
import * as tf from '@tensorflow/tfjs';
import type { Lpips } from '../lpips/lpips.js';
import { meanSe, type MeanSe } from '../stats/summary.js';
import { pairL1, pairLpips } from './pair-distances.js';
import { samplePairs, type PairMode } from './sample-pairs.js';

export interface DiversityResult {
  /** LPIPS between samples of the same input (absent when LPIPS is skipped). */
  lpips?: MeanSe;
  /** The weight-free companion: mean absolute pixel difference, [-1,1] units. */
  l1: MeanSe;
}

/**
 * Collects distances input by input, so callers can stream samples (one input's M samples at a
 * time) and never hold all N·M images.
 */
export class DiversityAccumulator {
  private readonly lpipsDistances: number[] = [];
  private readonly l1Distances: number[] = [];
  readonly pairs: Array<[number, number]>;

  constructor(
    readonly samplesPerInput: number,
    readonly mode: PairMode,
    private readonly lpips?: Lpips,
  ) {
    this.pairs = samplePairs(samplesPerInput, mode);
  }

  /** The M samples of one input, [M,H,W,C] in [-1,1]. */
  add(samples: tf.Tensor4D): void {
    if (samples.shape[0] !== this.samplesPerInput) {
      throw new Error(`expected ${this.samplesPerInput} samples of one input, got ${samples.shape[0]}`);
    }
    const l1 = pairL1(samples, this.pairs);
    this.l1Distances.push(...l1.dataSync());
    l1.dispose();
    if (this.lpips) {
      const d = pairLpips(this.lpips, samples, this.pairs);
      this.lpipsDistances.push(...d.dataSync());
      d.dispose();
    }
  }

  result(): DiversityResult {
    return {
      l1: meanSe(this.l1Distances),
      ...(this.lpips ? { lpips: meanSe(this.lpipsDistances) } : {}),
    };
  }
}

/** Diversity of an [N,M,H,W,C] set held in memory (tests, small evals). */
export function diversity(samples: tf.Tensor4D[], mode: PairMode, lpips?: Lpips): DiversityResult {
  const [first] = samples;
  if (first === undefined) throw new Error('diversity needs at least one input');
  const acc = new DiversityAccumulator(first.shape[0], mode, lpips);
  for (const s of samples) acc.add(s);
  return acc.result();
}
