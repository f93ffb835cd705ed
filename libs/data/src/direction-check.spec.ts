// The direction check on real facades pairs (photo | labels, official BtoA) and on made-up
// edges | photo pairs (edges2shoes-like, official AtoB): it must warn on the reversed direction
// and stay silent on the right one.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDirection } from './direction-check.js';
import { Rng } from '@workbench/random';
import { FACADES_FIXTURE, tempDir, writeSynthetic } from './test-support.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const facades = readdirSync(join(FACADES_FIXTURE, 'train'))
  .sort()
  .map((f) => join(FACADES_FIXTURE, 'train', f));

/**
 * An edges | photo pair of side 96: a few ellipses drawn as black outlines on white (left), and
 * as textured, shaded objects on a shaded, noisy background (right). `whiteBackground` makes the
 * photo a product shot (edges2shoes: the object on plain white).
 */
async function edgesPhotoPair(file: string, seed: number, whiteBackground: boolean): Promise<void> {
  const rng = new Rng(seed);
  const S = 96;
  const blobs = Array.from({ length: 3 }, (): { cx: number; cy: number; rx: number; ry: number; colour: [number, number, number] } => ({
    cx: 20 + rng.int(56),
    cy: 20 + rng.int(56),
    rx: 10 + rng.int(10),
    ry: 8 + rng.int(12),
    colour: [rng.int(200), rng.int(200), rng.int(200)],
  }));
  const noise = Int32Array.from({ length: S * S }, () => rng.int(40) - 20);
  const inside = (x: number, y: number) => blobs.findIndex((b) => ((x - b.cx) / b.rx) ** 2 + ((y - b.cy) / b.ry) ** 2 <= 1);
  await writeSynthetic(file, 2 * S, S, (X, y) => {
    const x = X % S;
    const k = inside(x, y);
    if (X < S) {
      // edges: a pixel inside a blob whose 4-neighbour is outside it
      const border = k >= 0 && [inside(x + 1, y), inside(x - 1, y), inside(x, y + 1), inside(x, y - 1)].some((j) => j !== k);
      return border ? [0, 0, 0] : [255, 255, 255];
    }
    const n = noise[y * S + x]!;
    const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
    const blob = blobs[k]; // undefined for k = -1: outside every blob
    if (!blob) return whiteBackground ? [255, 255, 255] : [clamp(90 + x + n), clamp(120 + y / 2 + n), clamp(160 - x / 2 + n)];
    const c = blob.colour;
    const shade = 0.6 + (0.4 * (x - blob.cx + blob.rx)) / (2 * blob.rx);
    return [clamp(c[0] * shade + 30 + n), clamp(c[1] * shade + 30 + n), clamp(c[2] * shade + 30 + n)];
  });
}

describe('checkDirection', () => {
  let edges: string[];
  let productShots: string[];
  beforeAll(async () => {
    edges = [];
    productShots = [];
    for (let i = 0; i < 6; i++) {
      const scene = join(tmp.dir, 'scene', `${i}.png`);
      edges.push(scene);
      await edgesPhotoPair(scene, 100 + i, false);
      const product = join(tmp.dir, 'product', `${i}.jpg`);
      productShots.push(product);
      await edgesPhotoPair(product, 200 + i, true);
    }
  });

  it('facades: warns on AtoB (photo → labels), naming data.direction, and not on the official BtoA', async () => {
    const reversed = await checkDirection(facades, 'AtoB');
    expect(reversed.pairs).toBe(8);
    expect(reversed.target.flat).toBeGreaterThan(reversed.input.flat + 0.3);
    expect(reversed.warning).toMatch(/^the target side B \(right half\) looks like a label\/edge map \(\d+ % flat, .*with data\.direction=AtoB the model learns photo → labels; if you meant labels\/edges → photo, set data\.direction=BtoA$/);
    const right = await checkDirection(facades, 'BtoA');
    expect(right.warning).toBeUndefined();
    expect(right.input).toEqual(reversed.target);
  });

  it('made-up edges | photo pairs: warns on BtoA, not on AtoB', async () => {
    for (const files of [edges, productShots]) {
      const right = await checkDirection(files, 'AtoB');
      expect(right.warning).toBeUndefined();
      expect(right.input.nearBinary).toBeGreaterThan(0.9);
      const reversed = await checkDirection(files, 'BtoA');
      expect(reversed.warning).toMatch(/the target side A \(left half\) looks like a label\/edge map .* set data\.direction=AtoB$/);
    }
  });

  it('two photos (night2day-like) or two label maps: no warning either way', async () => {
    // photo | photo: the right halves of two different made-up scenes side by side
    const both = join(tmp.dir, 'photo-photo.png');
    await writeSynthetic(both, 96, 48, (x, y) => [(x * 37 + y * 11) % 200, (x * 13 + y * 29) % 180, (x * y) % 160]);
    for (const d of ['AtoB', 'BtoA'] as const) expect((await checkDirection([both], d)).warning).toBeUndefined();
    const labels = join(tmp.dir, 'label-label.png');
    await writeSynthetic(labels, 96, 48, (x, y) => (x % 48 < 24 ? [200, 0, 0] : y < 24 ? [0, 0, 200] : [0, 200, 0]));
    for (const d of ['AtoB', 'BtoA'] as const) expect((await checkDirection([labels], d)).warning).toBeUndefined();
  });
});
