// The built-in multimodal dataset: A = outlines of 1..max_shapes shapes, B = the same shapes
// filled, each fill an independent uniform draw from K palette modes (and the background from
// `background_modes` modes). Given A, every assignment of modes is equally likely, so
// p(B | A) = 1 / (K^n · K_bg) exactly. See README.md for the full generative definition.
import { A_BACKGROUND, A_OUTLINE, backgroundColor, fillColor, makePalette, type Palette, type Rgb } from './palette.js';
import { deriveSeed, Rng } from '@workbench/random';
import { rasterizeLayout } from './shapes-raster.js';
import { ORIENTATIONS, SHAPE_KINDS, sampleLayout, type ShapeSpec } from './shapes-layout.js';
import type { Split } from './data-config.js';

export interface ShapesOptions {
  /** Image side in pixels, 32..256. */
  size: number;
  /** K fill modes. */
  numModes: number;
  maxShapes: number;
  backgroundModes: number;
  /** Dataset seed (`data.seed`). */
  seed: number;
}

export interface ShapeWithMode extends ShapeSpec {
  /** Index into `palette.fills`. */
  mode: number;
}

/** Everything known about one shapes sample: what metrics need to score a generated B. */
export interface ShapesMeta {
  kind: 'shapes';
  split: Split;
  index: number;
  size: number;
  shapes: ShapeWithMode[];
  /** Index into `palette.backgrounds`. */
  backgroundMode: number;
  /** [H*W] 0 = background, i + 1 = shapes[i]: the shape masks. */
  labels: Uint8Array;
  /** [H*W] 1 on the outline pixels drawn in A (they belong to the shape masks). */
  outline: Uint8Array;
  palette: Palette;
  /** log p(B | A) = -(n·log K + log K_bg): every mode assignment is equally likely. */
  logProbBGivenA: number;
}

export interface ShapesSampleBytes {
  /** [H,W,3] sRGB bytes: black outlines on white. */
  a: Uint8Array;
  /** [H,W,3] sRGB bytes: filled shapes on the background colour. */
  b: Uint8Array;
  meta: ShapesMeta;
}

/**
 * Splits get disjoint A images: a fingerprint of the candidate layout picks a bucket of 16
 * (test 0, val 1, train 2..15) and a split only accepts candidates from its own buckets.
 */
const BUCKETS = 16;
function bucketAccepts(split: Split, hash: number): boolean {
  const b = hash % BUCKETS;
  if (split === 'test') return b === 0;
  if (split === 'val') return b === 1;
  return b >= 2;
}

/**
 * A fingerprint of the A image of a layout: a hash of its shapes sorted into a canonical order.
 * It identifies the image itself because rasterisation is injective on sets of shapes: shapes
 * are disjoint, so the outline's connected components are the shapes; each outline fixes its
 * mask; and a mask fixes (kind, orientation, cx, cy, r): its bounding box is the shape's box
 * (2r × 2r; 2r × (2r - 1) for triangles, open on the apex side), and for r >= 4 squares,
 * circles and diamonds of the same box differ in their corner pixels. (Tested on rasterised
 * images in shapes-generator.spec.ts.)
 */
export function layoutFingerprint(shapes: readonly ShapeSpec[], size: number): number {
  const keys = shapes
    .map((s): [number, number, number, number, number] => [SHAPE_KINDS.indexOf(s.kind), ORIENTATIONS.indexOf(s.orientation), s.cx, s.cy, s.r])
    .sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2] || p[3] - q[3] || p[4] - q[4]);
  return deriveSeed('shapes-a', size, ...keys.flat());
}

/** Generate sample `index` of `split`: a pure function of (options, split, index). */
export function generateShapesSample(opts: ShapesOptions, split: Split, index: number): ShapesSampleBytes {
  const { size, numModes, maxShapes, backgroundModes, seed } = opts;
  const layoutRng = Rng.derive(seed, 'shapes-layout', split, index);
  let shapes: ShapeSpec[];
  do shapes = sampleLayout(layoutRng, size, maxShapes);
  while (!bucketAccepts(split, layoutFingerprint(shapes, size)));
  const raster = rasterizeLayout(shapes, size);
  const fillRng = Rng.derive(seed, 'shapes-fill', split, index);
  const withModes: ShapeWithMode[] = shapes.map((s) => ({ ...s, mode: fillRng.int(numModes) }));
  const backgroundMode = fillRng.int(backgroundModes);
  const palette = makePalette(numModes, backgroundModes);

  const n = size * size;
  const a = new Uint8Array(n * 3);
  const b = new Uint8Array(n * 3);
  // Label 0 is the background, label i + 1 is shape i.
  const labelColors: Rgb[] = [backgroundColor(palette, backgroundMode), ...withModes.map((s) => fillColor(palette, s.mode))];
  for (let p = 0; p < n; p++) {
    const cb = labelColors[raster.labels[p]!];
    if (!cb) throw new Error(`shapes sample ${split}/${index}: pixel ${p} has label ${raster.labels[p]} but the layout has ${withModes.length} shapes`);
    a.set(raster.outline[p] ? A_OUTLINE : A_BACKGROUND, p * 3);
    b.set(cb, p * 3);
  }
  return {
    a,
    b,
    meta: {
      kind: 'shapes',
      split,
      index,
      size,
      shapes: withModes,
      backgroundMode,
      labels: raster.labels,
      outline: raster.outline,
      palette,
      logProbBGivenA: -(shapes.length * Math.log(numModes) + Math.log(backgroundModes)),
    },
  };
}

/** The mask of shape `i` as [H*W] 0/1 bytes. */
export function shapeMask(meta: ShapesMeta, i: number): Uint8Array {
  const m = new Uint8Array(meta.labels.length);
  for (let p = 0; p < m.length; p++) m[p] = meta.labels[p] === i + 1 ? 1 : 0;
  return m;
}
