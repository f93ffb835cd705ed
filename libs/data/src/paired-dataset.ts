// The one dataset interface that training, metrics and the CLI use.
import type { Split } from './data-config.js';
import type { Rng } from '@workbench/random';
import type { ShapesMeta } from './shapes-generator.js';

/** One (A, B) pair, A always the model input (direction already applied). */
export interface Sample {
  /** Position in the split, 0..size-1. */
  index: number;
  height: number;
  width: number;
  /** [H,W,inputNc] float32 in [-1, 1]. */
  A: Float32Array;
  /** [H,W,outputNc] float32 in [-1, 1]. */
  B: Float32Array;
  /** Where it came from: a file path, or `shapes:<split>:<index>`. */
  source: string;
  /** Shapes dataset only: masks, modes and palette of this sample. */
  meta?: ShapesMeta;
}

export interface PairedDataset {
  /** `shapes` or `aligned:<root>`. */
  readonly name: string;
  readonly split: Split;
  readonly size: number;
  readonly inputNc: number;
  readonly outputNc: number;
  /** Every sample has this size after preprocessing. */
  readonly height: number;
  readonly width: number;
  /**
   * Sample i. With `rng`, the random part of preprocessing (crop position, flip) is drawn from
   * it, the same for A and B; without, the crop is centred and nothing is flipped (deterministic
   * evaluation). Shapes samples are never augmented.
   */
  get(i: number, rng?: Rng): Promise<Sample>;
  /** Drop cached images. */
  dispose(): void;
}
