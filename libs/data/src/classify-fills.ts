// Scores a (generated) B image of the shapes dataset against its sample's metadata: which
// palette mode each shape was filled with, and how much colour leaked outside the shapes.
// On ground-truth B images it recovers every mode exactly (tested).
import * as tf from '@tensorflow/tfjs';
import { colorDistance, minPairwiseDistance, type Rgb } from './palette.js';
import type { ShapesMeta } from './shapes-generator.js';

export interface ColorVerdict {
  /** Nearest palette mode, or 'none' when farther than the threshold from every mode. */
  mode: number | 'none';
  /** The mode in the ground truth. */
  trueMode: number;
  /** Distance (byte units, 0..441) from the mean colour to the nearest mode. */
  distance: number;
  /** Mean colour of the region, in bytes (not rounded). */
  color: [number, number, number];
}

export interface FillClassification {
  /** One verdict per shape, in `meta.shapes` order. */
  shapes: ColorVerdict[];
  /** The background (pixels outside every mask and the band). */
  background: ColorVerdict;
  /** Background pixels farther than the threshold from every background colour. */
  leakPixels: number;
  backgroundPixels: number;
  /** leakPixels / backgroundPixels. */
  leakFraction: number;
  threshold: number;
}

export interface ClassifyOptions {
  /**
   * Max distance (byte units) from a mode colour to still count as that mode. Default: half the
   * smallest distance between any two palette colours (fills and backgrounds), so a colour can
   * never be within the threshold of two modes.
   */
  threshold?: number;
  /** Background pixels within this many pixels (Chebyshev) of a shape are ignored: generators blur edges. Default 1. */
  band?: number;
}

/** Sums of R, G, B bytes and the pixel count of a region. */
type ColorSum = [r: number, g: number, b: number, count: number];
const emptySum = (): ColorSum => [0, 0, 0, 0];

function nearest(color: [number, number, number], modes: readonly Rgb[], trueMode: number, threshold: number): ColorVerdict {
  let best = -1;
  let bestD = Infinity;
  modes.forEach((m, k) => {
    const d = colorDistance(color, m);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  });
  return { mode: bestD <= threshold ? best : 'none', trueMode, distance: bestD, color };
}

export function defaultThreshold(meta: ShapesMeta): number {
  return minPairwiseDistance([...meta.palette.fills, ...meta.palette.backgrounds]) / 2;
}

/** Pixels outside every mask and farther than `band` from all of them: [H*W] 0/1. */
function backgroundRegion(meta: ShapesMeta, band: number): Uint8Array {
  const s = meta.size;
  const region = new Uint8Array(s * s);
  for (let y = 0; y < s; y++)
    for (let x = 0; x < s; x++) {
      let free = true;
      for (let dy = -band; dy <= band && free; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= s) continue;
        for (let dx = -band; dx <= band; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < s && meta.labels[yy * s + xx] !== 0) {
            free = false;
            break;
          }
        }
      }
      region[y * s + x] = free ? 1 : 0;
    }
  return region;
}

/**
 * Classify the fills of one B image: `image` is [H,W,3] (or [1,H,W,3]) in [-1, 1], as a tensor or
 * a Float32Array, the same size as the sample described by `meta`.
 */
export function classifyFills(image: Float32Array | tf.Tensor, meta: ShapesMeta, opts: ClassifyOptions = {}): FillClassification {
  const data = image instanceof tf.Tensor ? (image.dataSync() as Float32Array) : image;
  const s = meta.size;
  if (data.length !== s * s * 3)
    throw new Error(`classifyFills: image has ${data.length} values, expected ${s}×${s}×3 for this sample`);
  const threshold = opts.threshold ?? defaultThreshold(meta);
  const n = meta.shapes.length;
  const byte = (k: number) => (Math.min(1, Math.max(-1, data[k]!)) + 1) * 127.5;

  // Mean colour of each shape's interior (mask minus its outline); the whole mask if no interior.
  const regions = meta.shapes.map((shape) => ({ shape, interior: emptySum(), whole: emptySum() }));
  for (let p = 0; p < s * s; p++) {
    const l = meta.labels[p]!;
    if (l === 0) continue;
    const region = regions[l - 1];
    if (!region) throw new Error(`classifyFills: pixel ${p} has label ${l} but the sample has ${n} shapes`);
    const acc = meta.outline[p] ? [region.whole] : [region.interior, region.whole];
    for (const a of acc) {
      a[0] += byte(p * 3);
      a[1] += byte(p * 3 + 1);
      a[2] += byte(p * 3 + 2);
      a[3] += 1;
    }
  }
  const shapes = regions.map(({ shape, interior, whole }) => {
    const a = interior[3] > 0 ? interior : whole;
    const color: [number, number, number] = [a[0] / a[3], a[1] / a[3], a[2] / a[3]];
    return nearest(color, meta.palette.fills, shape.mode, threshold);
  });

  const region = backgroundRegion(meta, opts.band ?? 1);
  const bg: [number, number, number] = [0, 0, 0];
  let count = 0;
  let leak = 0;
  const px: [number, number, number] = [0, 0, 0];
  for (let p = 0; p < s * s; p++) {
    if (!region[p]) continue;
    px[0] = byte(p * 3);
    px[1] = byte(p * 3 + 1);
    px[2] = byte(p * 3 + 2);
    bg[0] += px[0];
    bg[1] += px[1];
    bg[2] += px[2];
    count++;
    if (meta.palette.backgrounds.every((c) => colorDistance(px, c) > threshold)) leak++;
  }
  const bgColor: [number, number, number] = count > 0 ? [bg[0] / count, bg[1] / count, bg[2] / count] : [NaN, NaN, NaN];
  return {
    shapes,
    background: nearest(bgColor, meta.palette.backgrounds, meta.backgroundMode, threshold),
    leakPixels: leak,
    backgroundPixels: count,
    leakFraction: count > 0 ? leak / count : 0,
    threshold,
  };
}

/** `classifyFills` for each image of a batch: images [N,H,W,3], one meta per image. */
export function classifyBatchFills(images: tf.Tensor4D, metas: readonly ShapesMeta[], opts: ClassifyOptions = {}): FillClassification[] {
  const [n, h, w, c] = images.shape;
  if (n !== metas.length) throw new Error(`classifyBatchFills: ${n} images but ${metas.length} metas`);
  const data = images.dataSync() as Float32Array;
  const per = h * w * c;
  return metas.map((m, i) => classifyFills(data.subarray(i * per, (i + 1) * per), m, opts));
}
