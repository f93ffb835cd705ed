// The official GANLoss over a multi-scale discriminator, keeping each scale's term: the fixture
// and the logs need the per-scale values, not only their sum.
import * as tf from '@tensorflow/tfjs';

export type GanMode = 'lsgan' | 'vanilla';

/**
 * Σ over scales of the per-scale loss against a constant target (1 real, 0 fake):
 * lsgan = mean((x − t)²) (MSELoss), vanilla = mean BCE-with-logits. Returns the total and the
 * per-scale scalars (all differentiable).
 */
export function ganTerms(
  predictions: tf.Tensor4D[], // one [N,h_s,w_s,1] map per scale
  targetIsReal: boolean,
  mode: GanMode,
): { total: tf.Scalar; perScale: tf.Scalar[] } {
  const t = targetIsReal ? 1 : 0;
  const perScale = predictions.map((p): tf.Scalar => {
    if (mode === 'lsgan') return p.sub(t).square().mean();
    // BCEWithLogits, the numerically stable form: max(x,0) − x·t + log(1 + exp(−|x|)).
    return p.relu().sub(p.mul(t)).add(p.abs().neg().exp().log1p()).mean();
  });
  // Python's sum(list) starts from 0 and adds left to right: same order here.
  const total = perScale.slice(1).reduce((acc, s): tf.Scalar => acc.add(s), perScale[0]!);
  return { total, perScale };
}
