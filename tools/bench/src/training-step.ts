// One pix2pix training step: G update (LSGAN + 10·L1) then D update (LSGAN on real and fake),
// both with Adam(2e-4, 0.5, 0.999). This is the unit the benchmark times.
import * as tf from '@tensorflow/tfjs';
import { forwardFlops, Pix2pixPair } from './pix2pix-net.js';

export interface StepRunner {
  net: Pix2pixPair;
  /** Runs one step and returns [G loss, D loss] (reading them also waits for the backend). */
  step(): [number, number];
  /**
   * Analytic conv FLOPs of one step: the forward passes (G once, D three times: fake for the G
   * loss, real and fake for the D loss) × 3 for forward + backward.
   */
  flopsPerStep: number;
  dispose(): void;
}

function mse(x: tf.Tensor, target: number): tf.Scalar {
  return tf.mean(tf.square(x.sub(target)));
}

export function makeStepRunner(res: number, ngf: number, batch: number): StepRunner {
  const net = new Pix2pixPair(res, ngf);
  const a = tf.randomUniform([batch, res, res, 3], -1, 1, 'float32', 7) as tf.Tensor4D; // [N,H,W,3]
  const b = tf.randomUniform([batch, res, res, 3], -1, 1, 'float32', 8) as tf.Tensor4D; // [N,H,W,3]
  const optG = tf.train.adam(2e-4, 0.5, 0.999);
  const optD = tf.train.adam(2e-4, 0.5, 0.999);
  const gVars = [...net.gParams.values()];
  const dVars = [...net.dParams.values()];
  const f = forwardFlops(res, ngf, batch);

  const step = (): [number, number] => {
    let fake: tf.Tensor4D | undefined;
    const lossG = optG.minimize(
      () => {
        const out = net.generator(a);
        fake = tf.keep(out);
        return mse(net.discriminator(a, out), 1).add(tf.mean(tf.abs(out.sub(b))).mul(10)) as tf.Scalar;
      },
      true,
      gVars,
    );
    const fakeB = fake as tf.Tensor4D;
    const lossD = optD.minimize(
      () => mse(net.discriminator(a, b), 1).add(mse(net.discriminator(a, fakeB), 0)).mul(0.5) as tf.Scalar,
      true,
      dVars,
    );
    const [g] = (lossG as tf.Scalar).dataSync();
    const [d] = (lossD as tf.Scalar).dataSync();
    if (g === undefined || d === undefined) throw new Error('bench training step: a loss scalar came back empty');
    const values: [number, number] = [g, d];
    tf.dispose([lossG as tf.Scalar, lossD as tf.Scalar, fakeB]);
    return values;
  };

  return {
    net,
    step,
    flopsPerStep: 3 * (f.g + 3 * f.d),
    dispose: () => {
      net.dispose();
      optG.dispose();
      optD.dispose();
      tf.dispose([a, b]);
    },
  };
}
