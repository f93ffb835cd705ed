// The official GANLoss (models/networks.py) over a multi-scale discriminator.
import * as tf from '@tensorflow/tfjs';
import { GAN_MODES, type GanMode } from './gan-modes.js';

/**
 * One scalar per scale against a constant target (1 for real, 0 for fake), before any lambda:
 *   lsgan   = mean over all elements of (x − t)²               (nn.MSELoss)
 *   vanilla = mean over all elements of BCE-with-logits(x, t)   (nn.BCEWithLogitsLoss; D has no sigmoid)
 * preds: one raw map per scale, [N,h_s,w_s,1].
 */
export function ganLossPerScale(preds: tf.Tensor[], targetIsReal: boolean, mode: GanMode): tf.Scalar[] {
  if (!GAN_MODES.includes(mode)) throw new Error(`unknown gan_mode '${String(mode)}': use lsgan or vanilla`);
  if (preds.length === 0) throw new Error('ganLoss needs at least one discriminator output');
  const t = targetIsReal ? 1 : 0;
  return preds.map((p) =>
    tf.tidy((): tf.Scalar => {
      if (mode === 'lsgan') return tf.mean(tf.square(tf.sub(p, t)));
      // Stable form: max(x,0) − x·t + log(1 + exp(−|x|)).
      return tf.mean(tf.add(tf.sub(tf.relu(p), tf.mul(p, t)), tf.log1p(tf.exp(tf.neg(tf.abs(p))))));
    }),
  );
}

/**
 * The GAN loss SUMMED over discriminator scales (the official code returns `sum(all_losses)`,
 * with no 0.5 factor and no averaging over scales). At init (D ≈ 0), lsgan gives ≈ 1 per scale.
 */
export function ganLoss(preds: tf.Tensor[], targetIsReal: boolean, mode: GanMode = 'lsgan'): tf.Scalar {
  return tf.tidy(() => {
    const [first, ...rest] = ganLossPerScale(preds, targetIsReal, mode);
    if (!first) throw new Error('ganLoss: no discriminator outputs (preds is empty)');
    // Python's sum() adds left to right starting from 0: same order.
    return rest.reduce((acc: tf.Scalar, s) => tf.add(acc, s), first);
  });
}
