import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderImageGrid, writeImageGrid } from './image-grid.js';
import { readImage } from './image-io.js';
import { tempDir } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number): [number, number, number] => {
    const k = (y * info.width + x) * info.channels;
    return [data[k]!, data[k + 1]!, data[k + 2]!];
  };
  return { info, at };
}

describe('writeImageGrid', () => {
  it('tiles tensors and float images, grayscale and RGB, with padding and scaling', async () => {
    // Row 0: a [2,4,4,3] tensor: red, then blue. Row 1: a grayscale tile (-1 = black) and a FloatImage (white).
    const row0 = tf.tidy(() => {
      const r = tf.concat([tf.ones([4, 4, 1]), tf.fill([4, 4, 2], -1)], 2);
      const b = tf.concat([tf.fill([4, 4, 2], -1), tf.ones([4, 4, 1])], 2);
      return tf.stack([r, b]) as tf.Tensor4D;
    });
    const gray = tf.fill([4, 4, 1], -1) as tf.Tensor3D;
    const white = { width: 4, height: 4, channels: 3, data: new Float32Array(48).fill(1) };
    const png = await renderImageGrid([row0, [gray, white]], { padding: 1, scale: 2, background: [0, 255, 0] });
    const { info, at } = await pixels(png);
    expect([info.width, info.height]).toEqual([1 + 8 + 1 + 8 + 1, 1 + 8 + 1 + 8 + 1]);
    expect(at(0, 0)).toEqual([0, 255, 0]); // padding
    expect(at(1, 1)).toEqual([255, 0, 0]);
    expect(at(8, 8)).toEqual([255, 0, 0]); // scaled tile spans 8 px
    expect(at(10, 1)).toEqual([0, 0, 255]);
    expect(at(1, 10)).toEqual([0, 0, 0]);
    expect(at(17, 17)).toEqual([255, 255, 255]);
    tf.dispose([row0, gray]);
  });

  it('adds label bands and writes a file that readImage reads back', async () => {
    const tmp = tempDir();
    try {
      const tile = { width: 8, height: 8, channels: 3, data: new Float32Array(192).fill(0) };
      const plain = await pixels(await renderImageGrid([[tile, tile]]));
      const path = join(tmp.dir, 'sub', 'grid.png');
      await writeImageGrid(path, [{ label: 'row one', images: [tile, tile], captions: ['x', 'y'] }], { columnLabels: ['A', 'B'], title: 'title' });
      const img = await readImage(path);
      expect(img.width).toBeGreaterThan(plain.info.width); // row-label band
      expect(img.height).toBeGreaterThan(plain.info.height + 30); // title, column labels, captions
      // Some text pixels are dark (labels were drawn).
      let dark = 0;
      for (let p = 0; p < img.width * img.height; p++) if (img.data[p * 3]! < -0.5) dark++;
      expect(dark).toBeGreaterThan(20);
    } finally {
      tmp.cleanup();
    }
  });

  it('keeps every column label inside its own column (pix2pix+noise eval grid: no encoder column)', async () => {
    // The evaluation grid's header at 32 px tiles x 2: 64 px columns, labels up to 12 characters.
    const labels = ['A', 'ground truth', '(no encoder)', 'z1', 'z2', 'z3'];
    const tile = { width: 32, height: 32, channels: 3, data: new Float32Array(32 * 32 * 3).fill(1) };
    const pad = 2;
    const png = await renderImageGrid([labels.map(() => tile)], { columnLabels: labels, scale: 2, padding: pad, background: [224, 224, 224] });
    const { info, at } = await pixels(png);
    const headBottom = info.height - pad - 64 - pad; // rows above the tiles
    // The gaps between columns in the header band stay background: no label crosses into a neighbour.
    for (let c = 1; c < labels.length; c++) {
      const gapX = pad + c * (64 + pad) - pad;
      for (let x = gapX - 1; x < gapX + pad + 1; x++) {
        for (let y = 0; y < headBottom; y++) expect(at(x, y), `label ink at x=${x}, y=${y}`).toEqual([224, 224, 224]);
      }
    }
    // ...and the long labels were still drawn (wrapped), not dropped.
    let ink = 0;
    for (let y = 0; y < headBottom; y++) for (let x = pad + 2 * 66; x < pad + 3 * 66 - pad; x++) if (at(x, y)[0] < 150) ink++;
    expect(ink).toBeGreaterThan(15);
  });

  it('rejects tiles it cannot draw', async () => {
    const t = tf.zeros([2, 4, 4, 3]) as tf.Tensor4D;
    await expect(renderImageGrid([[t]])).rejects.toThrow(/a tile must be \[H,W,C\] or \[1,H,W,C\]/);
    await expect(renderImageGrid([])).rejects.toThrow(/nothing to draw/);
    t.dispose();
  });
});
