// The image, latent and KL terms of BicycleGAN, exactly as the official code reduces them.
// Lambdas are applied by the caller (the training step), not here.
import * as tf from '@tensorflow/tfjs';

function sameShape(name: string, a: tf.Tensor, b: tf.Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${name}: shapes differ, [${a.shape.join(',')}] vs [${b.shape.join(',')}]`);
  }
}

/** mean |a − b| over every element (batch, pixels, channels): nn.L1Loss, used for G_L1. */
export function l1Loss(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  sameShape('l1Loss', a, b);
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))));
}

/**
 * KL(N(mu, exp(logvar)) || N(0, I)) as the official code writes it:
 *   −0.5 · Σ_{batch, dims} (1 + logvar − mu² − exp(logvar))
 * a SUM over batch and latent dims (not a mean). mu, logvar: [N,nz].
 */
export function klLoss(mu: tf.Tensor, logvar: tf.Tensor): tf.Scalar {
  sameShape('klLoss', mu, logvar);
  return tf.tidy(() => tf.mul(tf.sum(tf.sub(tf.sub(tf.add(1, logvar), tf.square(mu)), tf.exp(logvar))), -0.5));
}

/** mean |mu2 − z| over batch and latent dims: the latent regression loss z_L1 (E(G(A, z)) vs z). */
export function latentL1Loss(mu2: tf.Tensor, z: tf.Tensor): tf.Scalar {
  sameShape('latentL1Loss', mu2, z);
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(mu2, z))));
}
