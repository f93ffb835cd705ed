// Batches and epochs. The order of epoch e is a seeded permutation, and the augmentation of the
// k-th sample of epoch e has its own seeded stream, so any batch is a pure function of
// (seed, epoch, batch): saving {epoch, batch} is enough to resume exactly.
import * as tf from '@tensorflow/tfjs';
import { DataError } from './data-error.js';
import type { PairedDataset, Sample } from './paired-dataset.js';
import { Rng } from '@workbench/random';
import type { ShapesMeta } from './shapes-generator.js';

export interface Batch {
  /** [N,H,W,inputNc] in [-1, 1]. */
  A: tf.Tensor4D;
  /** [N,H,W,outputNc] in [-1, 1]. */
  B: tf.Tensor4D;
  /** Dataset indices of the N samples. */
  indices: number[];
  sources: string[];
  /** Shapes only: per-sample metadata. */
  meta?: ShapesMeta[];
}

/** Stack samples of equal size into tensors. The caller disposes A and B. */
export function samplesToBatch(samples: readonly Sample[]): Batch {
  const [first] = samples;
  if (!first) throw new Error('samplesToBatch: no samples');
  const { height: h, width: w } = first;
  const cin = first.A.length / (h * w);
  const cout = first.B.length / (h * w);
  const a = new Float32Array(samples.length * h * w * cin);
  const b = new Float32Array(samples.length * h * w * cout);
  samples.forEach((s, n) => {
    if (s.height !== h || s.width !== w)
      throw new DataError(`cannot batch ${s.source} (${s.width}×${s.height}) with ${first.source} (${w}×${h}): use a cropping data.preprocess`);
    a.set(s.A, n * h * w * cin);
    b.set(s.B, n * h * w * cout);
  });
  const meta = samples.every((s) => s.meta) ? samples.map((s) => s.meta!) : undefined;
  return {
    A: tf.tensor4d(a, [samples.length, h, w, cin]),
    B: tf.tensor4d(b, [samples.length, h, w, cout]),
    indices: samples.map((s) => s.index),
    sources: samples.map((s) => s.source),
    meta,
  };
}

/** Load samples `indices` (deterministic, no augmentation) as one batch: for evaluation. */
export async function loadBatch(ds: PairedDataset, indices: readonly number[]): Promise<Batch> {
  return samplesToBatch(await Promise.all(indices.map((i) => ds.get(i))));
}

/** The sample order of one epoch: a Fisher–Yates shuffle seeded by (seed, epoch), or 0..n-1. */
export function epochOrder(size: number, seed: number, epoch: number, shuffle = true): Uint32Array {
  if (!shuffle) return Uint32Array.from({ length: size }, (_, i) => i);
  return Uint32Array.from(Rng.derive(seed, 'epoch-order', epoch).permutation(size));
}

/** Where an epoch iterator stands: the next batch it will produce. Save this to resume. */
export interface BatchPosition {
  epoch: number;
  batch: number;
}

export interface EpochBatchesOptions {
  batchSize: number;
  /** Seed of the order and of the augmentation (the run's `seed`). */
  seed: number;
  /** Shuffle each epoch (default true; false = serial order, as --serial_batches). */
  shuffle?: boolean;
  /** Random crop/flip (default true). */
  augment?: boolean;
  /**
   * Drop the incomplete last batch (default true: the official trainer skips a batch smaller
   * than batch_size, since BicycleGAN splits each batch in two halves).
   */
  dropLast?: boolean;
  /** Start here (resume); default {epoch: 0, batch: 0}. */
  start?: BatchPosition;
  /** Batches loaded ahead while the caller trains (default 1). */
  prefetch?: number;
}

export interface PositionedBatch extends Batch {
  /** The position of this batch. */
  position: BatchPosition;
}

/**
 * Endless batches over epochs. `next()` returns the batch at `position` and advances it;
 * `load(pos)` returns any batch without moving.
 */
export class EpochBatches {
  readonly batchesPerEpoch: number;
  private pos: BatchPosition;
  private readonly ahead = new Map<string, Promise<Sample[]>>();
  private orderCache: { epoch: number; order: Uint32Array } | undefined;

  constructor(
    readonly dataset: PairedDataset,
    readonly opts: EpochBatchesOptions,
  ) {
    const { batchSize } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new DataError(`batch size ${batchSize} is not valid: use a positive integer`);
    const dropLast = opts.dropLast ?? true;
    this.batchesPerEpoch = dropLast ? Math.floor(dataset.size / batchSize) : Math.ceil(dataset.size / batchSize);
    if (this.batchesPerEpoch === 0)
      throw new DataError(
        `${dataset.name} ${dataset.split} has ${dataset.size} samples, fewer than one batch of ${batchSize}: add images or lower train.batch_size`,
      );
    this.pos = { ...(opts.start ?? { epoch: 0, batch: 0 }) };
    if (this.pos.batch >= this.batchesPerEpoch) this.pos = { epoch: this.pos.epoch + 1, batch: 0 };
  }

  /** The next batch `next()` will return: save it in checkpoints. */
  get position(): BatchPosition {
    return { ...this.pos };
  }

  /** Dataset indices of a batch. */
  indices(pos: BatchPosition): number[] {
    if (this.orderCache?.epoch !== pos.epoch)
      this.orderCache = { epoch: pos.epoch, order: epochOrder(this.dataset.size, this.opts.seed, pos.epoch, this.opts.shuffle ?? true) };
    const start = pos.batch * this.opts.batchSize;
    return Array.from(this.orderCache.order.subarray(start, Math.min(start + this.opts.batchSize, this.dataset.size)));
  }

  /** The samples of the batch at `pos` (a pure function of seed, epoch and batch). */
  loadSamples(pos: BatchPosition): Promise<Sample[]> {
    const idx = this.indices(pos);
    const augment = this.opts.augment ?? true;
    return Promise.all(
      idx.map((i, k) =>
        this.dataset.get(i, augment ? Rng.derive(this.opts.seed, 'augment', pos.epoch, pos.batch * this.opts.batchSize + k) : undefined),
      ),
    );
  }

  /** The batch at `pos` as tensors (the caller disposes A and B). */
  async load(pos: BatchPosition): Promise<Batch> {
    return samplesToBatch(await this.loadSamples(pos));
  }

  private advance(p: BatchPosition): BatchPosition {
    return p.batch + 1 < this.batchesPerEpoch ? { epoch: p.epoch, batch: p.batch + 1 } : { epoch: p.epoch + 1, batch: 0 };
  }

  /**
   * The batch at `position`, then advance. The following batches are decoded meanwhile (as
   * plain arrays: tensors are only created here, so prefetching never holds tensors).
   */
  async next(): Promise<PositionedBatch> {
    const position = this.position;
    const key = (p: BatchPosition) => `${p.epoch}:${p.batch}`;
    const current = this.ahead.get(key(position)) ?? this.loadSamples(position);
    this.ahead.delete(key(position));
    let p = position;
    for (let k = 0; k < (this.opts.prefetch ?? 1); k++) {
      p = this.advance(p);
      if (!this.ahead.has(key(p))) {
        const pending = this.loadSamples(p);
        pending.catch(() => undefined); // an error surfaces when this batch is awaited
        this.ahead.set(key(p), pending);
      }
    }
    this.pos = this.advance(position);
    return { ...samplesToBatch(await current), position };
  }

  /** Forget prefetched samples. */
  close(): void {
    this.ahead.clear();
  }
}
