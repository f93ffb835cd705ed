import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { EpochBatches, epochOrder, loadBatch } from './batches.js';
import { createDataset } from './create-dataset.js';
import { DataError } from './data-error.js';
import { positionPair, tempDir, writeSynthetic } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('epochOrder', () => {
  it('is a seeded permutation, new each epoch, serial without shuffle', () => {
    const o = epochOrder(100, 5, 0);
    expect([...o].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(epochOrder(100, 5, 0)).toEqual(o);
    expect(epochOrder(100, 5, 1)).not.toEqual(o);
    expect(epochOrder(100, 6, 0)).not.toEqual(o);
    expect([...epochOrder(5, 5, 3, false)]).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('EpochBatches', () => {
  it('batches shapes with metadata as [N,H,W,C] tensors in [-1, 1]', async () => {
    const ds = await createDataset({ dataset: 'shapes', crop_size: 32, train_size: 10, input_nc: 1 }, 'train');
    const before = tf.memory().numTensors;
    const it = new EpochBatches(ds, { batchSize: 4, seed: 0 });
    expect(it.batchesPerEpoch).toBe(2); // the incomplete batch is dropped
    const b = await it.next();
    expect(b.A.shape).toEqual([4, 32, 32, 1]);
    expect(b.B.shape).toEqual([4, 32, 32, 3]);
    expect(b.meta?.map((m) => m.index)).toEqual(b.indices);
    expect(b.position).toEqual({ epoch: 0, batch: 0 });
    const [lo, hi] = tf.tidy(() => [b.B.min().dataSync()[0], b.B.max().dataSync()[0]]);
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
    tf.dispose([b.A, b.B]);
    await it.next().then((x) => tf.dispose([x.A, x.B]));
    expect(it.position).toEqual({ epoch: 1, batch: 0 });
    it.close();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes exactly from a saved position, augmentation included', async () => {
    const tmp = tempDir();
    try {
      for (let i = 0; i < 6; i++) await writeSynthetic(join(tmp.dir, 'train', `${i}.png`), 128, 48, positionPair(64));
      const ds = await createDataset({ dataset: 'aligned', root: tmp.dir, preprocess: 'crop', crop_size: 32 }, 'train');
      const run = new EpochBatches(ds, { batchSize: 2, seed: 3 });
      const seen: Array<{ pos: string; idx: number[]; a: Float32Array }> = [];
      for (let k = 0; k < 7; k++) {
        const b = await run.next();
        seen.push({ pos: `${b.position.epoch}:${b.position.batch}`, idx: b.indices, a: b.A.dataSync() as Float32Array });
        tf.dispose([b.A, b.B]);
      }
      expect(seen.map((s) => s.pos)).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2', '2:0']);
      // Restart at batch 4 (epoch 1, batch 1) as a resumed run would.
      const resumed = new EpochBatches(ds, { batchSize: 2, seed: 3, start: { epoch: 1, batch: 1 } });
      for (const want of seen.slice(4)) {
        const b = await resumed.next();
        expect(b.indices).toEqual(want.idx);
        expect(b.A.dataSync()).toEqual(want.a);
        tf.dispose([b.A, b.B]);
      }
      // A different seed gives a different order or crops.
      const other = await new EpochBatches(ds, { batchSize: 2, seed: 4 }).load({ epoch: 0, batch: 0 });
      const firstA = seen[0]?.a;
      expect(firstA).toBeInstanceOf(Float32Array);
      expect(other.A.dataSync()).not.toEqual(firstA);
      tf.dispose([other.A, other.B]);
      // loadBatch: deterministic evaluation batches.
      const ev = await loadBatch(ds, [0, 1]);
      expect(ev.A.shape).toEqual([2, 32, 32, 3]);
      tf.dispose([ev.A, ev.B]);
    } finally {
      tmp.cleanup();
    }
  });

  it('refuses a split smaller than one batch', async () => {
    const ds = await createDataset({ dataset: 'shapes', crop_size: 32, train_size: 1 }, 'train');
    expect(() => new EpochBatches(ds, { batchSize: 2, seed: 0 })).toThrow(DataError);
    expect(() => new EpochBatches(ds, { batchSize: 2, seed: 0 })).toThrow(
      /^shapes train has 1 samples, fewer than one batch of 2: add images or lower train.batch_size$/,
    );
  });
});

