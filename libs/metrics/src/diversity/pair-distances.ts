// Distances between pairs of images of one batch: the two distances the diversity protocol uses.
import * as tf from '@tensorflow/tfjs';
import type { Lpips } from '../lpips/lpips.js';

/** Per pair (i, j): mean |x_i − x_j| over pixels and channels, in [-1,1] image units. [P] */
export function pairL1(images: tf.Tensor4D, pairs: Array<[number, number]>): tf.Tensor1D {
  return tf.tidy(() => {
    const a = tf.gather(images, pairs.map((p) => p[0]));
    const b = tf.gather(images, pairs.map((p) => p[1]));
    return tf.mean(tf.abs(tf.sub(a, b)), [1, 2, 3]) as tf.Tensor1D;
  });
}

/** Per pair (i, j): LPIPS(x_i, x_j). AlexNet runs once per image, not once per pair. [P] */
export function pairLpips(lpips: Lpips, images: tf.Tensor4D, pairs: Array<[number, number]>): tf.Tensor1D {
  return tf.tidy(() => {
    const f = lpips.features(toRgb(images));
    const fa = f.map((t) => tf.gather(t, pairs.map((p) => p[0])) as tf.Tensor4D);
    const fb = f.map((t) => tf.gather(t, pairs.map((p) => p[1])) as tf.Tensor4D);
    return lpips.distanceFromFeatures(fa, fb);
  });
}

/** LPIPS needs 3 channels: grey images are repeated (what the lpips package does for 1-channel input is undefined). */
export function toRgb(images: tf.Tensor4D): tf.Tensor4D {
  const c = images.shape[3];
  if (c === 3) return images;
  if (c === 1) return tf.tidy(() => tf.concat([images, images, images], 3));
  throw new Error(`cannot compare images with ${c} channels perceptually (LPIPS needs 1 or 3)`);
}
