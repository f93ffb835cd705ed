// The "random real images" row of the paper's diversity figure: the distance between random
// pairs of real B images of the same split, an upper bound for the diversity a model can show.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@workbench/random';
import { featureLayer, type Lpips, type LpipsFeatures } from '../lpips/lpips.js';
import { meanSe } from '../stats/summary.js';
import type { DiversityResult } from './diversity.js';
import { toRgb } from './pair-distances.js';

/** `count` random unordered pairs (i ≠ j) of `n` items, reproducible from `seed`. */
export function randomPairs(n: number, count: number, seed: number): Array<[number, number]> {
  if (n < 2) throw new Error(`random real pairs need at least 2 images, got ${n}`);
  const rng = Rng.derive('real-pairs', seed);
  const out: Array<[number, number]> = [];
  for (let p = 0; p < count; p++) {
    const i = rng.int(n);
    let j = rng.int(n - 1);
    if (j >= i) j += 1; // uniform over j ≠ i
    out.push([i, j]);
  }
  return out;
}

/** Images are processed in chunks of this many to bound peak memory of the AlexNet trunk. */
const FEATURE_CHUNK = 16;

/**
 * Distances between `count` random pairs of the real images `reals` [N,H,W,C] in [-1,1]:
 * the LPIPS features of each image are computed once, then pairs are compared.
 */
export function realPairsDiversity(reals: tf.Tensor4D, count: number, seed: number, lpips?: Lpips): DiversityResult {
  const pairs = randomPairs(reals.shape[0], count, seed);
  const l1 = tf.tidy(() => {
    const a = tf.gather(reals, pairs.map((p) => p[0]));
    const b = tf.gather(reals, pairs.map((p) => p[1]));
    return tf.mean(tf.abs(tf.sub(a, b)), [1, 2, 3]).dataSync();
  });
  if (!lpips) return { l1: meanSe(l1) };
  const feats: LpipsFeatures[] = [];
  for (let s = 0; s < reals.shape[0]; s += FEATURE_CHUNK) {
    feats.push(tf.tidy(() => lpips.features(toRgb(tf.slice(reals, s, Math.min(FEATURE_CHUNK, reals.shape[0] - s))))));
  }
  const d = tf.tidy(() => {
    const [first] = feats;
    if (first === undefined) throw new Error('real pairs: no real images to compare');
    const all = first.map((_, k) => tf.concat(feats.map((f) => featureLayer(f, k))) as tf.Tensor4D);
    const fa = all.map((t) => tf.gather(t, pairs.map((p) => p[0])) as tf.Tensor4D);
    const fb = all.map((t) => tf.gather(t, pairs.map((p) => p[1])) as tf.Tensor4D);
    return lpips.distanceFromFeatures(fa, fb).dataSync();
  });
  for (const f of feats) tf.dispose(f);
  return { l1: meanSe(l1), lpips: meanSe(d) };
}
