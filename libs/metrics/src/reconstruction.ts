// Reconstruction error of the paper's encoder × injection table: ||B − G(A, E(B))||₁ with
// z = the encoder's mean (no sampling), per image the mean absolute difference in [-1,1] units.
import * as tf from '@tensorflow/tfjs';

/** Per image mean |B − B̂| over pixels and channels: [N]. */
export function reconstructionL1(b: tf.Tensor4D, reconstructed: tf.Tensor4D): tf.Tensor1D {
  if (b.shape.join() !== reconstructed.shape.join()) {
    throw new Error(`reconstruction: B is [${b.shape}] but G(A, E(B)) is [${reconstructed.shape}]`);
  }
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(b, reconstructed)), [1, 2, 3]) as tf.Tensor1D);
}
