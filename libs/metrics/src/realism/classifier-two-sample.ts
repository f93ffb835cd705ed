// A realism proxy that needs no downloaded weights: the classifier two-sample test (C2ST; Lopez-Paz
// & Oquab, ICLR 2017). A small CNN learns real-vs-generated on half of the evaluation images and
// is scored on the other half. Held-out accuracy 50 % means the classifier cannot tell generated
// images from real ones; 100 % means they are trivially distinguishable. It is a proxy: a tiny
// classifier trained on ~100 images sees colour statistics and blur, not what a person judges.
//
// Split by input: input i's real B and its generated G(A_i, z) go to the same half, so the test
// half holds inputs the classifier never saw (it cannot win by recognising shapes).
import * as tf from '@tensorflow/tfjs';
import { wilsonInterval } from '@workbench/tracking';

export interface C2stResult {
  /** held-out accuracy in [0, 1] */
  accuracy: number;
  /** Wilson 95 % interval of the accuracy */
  lo: number;
  hi: number;
  /** held-out images (real + generated) */
  nTest: number;
  /** training images (real + generated) */
  nTrain: number;
}

export interface C2stOptions {
  /** seed of the classifier's initial weights (default 0) */
  seed?: number;
  /** full-batch Adam steps (default 150) */
  steps?: number;
}

/** Largest side the classifier sees: larger images are average-pooled down (same cost at 256 px). */
const MAX_SIDE = 64;

/** real, fake: [N,H,W,C] in [-1, 1], row i of both from test input i (N ≥ 4). */
export function classifierTwoSampleTest(real: tf.Tensor4D, fake: tf.Tensor4D, opts: C2stOptions = {}): C2stResult {
  const n = real.shape[0];
  if (fake.shape[0] !== n || n < 4) throw new Error(`C2ST needs the same number (≥ 4) of real and generated images, got ${n} and ${fake.shape[0]}`);
  const seed = opts.seed ?? 0;
  const steps = opts.steps ?? 150;
  const trainIdx = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0);
  const testIdx = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 1);

  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: shrunkShape(real.shape), filters: 8, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 1 }) }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 2 }) }),
      tf.layers.leakyReLU({ alpha: 0.2 }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: seed + 3 }) }), // logit of "real"
    ],
  });
  const optimizer = tf.train.adam(3e-3);
  try {
    // [2·|idx|,h,w,C] images and [2·|idx|,1] labels (1 = real)
    const batch = (idx: number[]) =>
      tf.tidy(() => {
        const sel = tf.tensor1d(idx, 'int32');
        const x = tf.concat([shrink(tf.gather(real, sel)), shrink(tf.gather(fake, sel))]);
        const y = tf.concat([tf.ones([idx.length, 1]), tf.zeros([idx.length, 1])]);
        return { x, y };
      });
    const train = batch(trainIdx);
    const test = batch(testIdx);
    try {
      for (let s = 0; s < steps; s++) {
        const loss = optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(train.y, model.apply(train.x) as tf.Tensor), true);
        loss?.dispose();
      }
      const [correct] = tf.tidy(() => {
        const pred = tf.greater(model.apply(test.x) as tf.Tensor, 0);
        return tf.equal(pred, tf.greater(test.y, 0.5)).sum().dataSync();
      });
      if (correct === undefined) throw new Error('C2ST: the classifier gave no count of correct test predictions');
      const nTest = 2 * testIdx.length;
      const ci = wilsonInterval(correct, nTest, 0.95);
      return { accuracy: correct / nTest, lo: ci.low, hi: ci.high, nTest, nTrain: 2 * trainIdx.length };
    } finally {
      tf.dispose([train.x, train.y, test.x, test.y]);
    }
  } finally {
    model.dispose();
    optimizer.dispose();
  }
}

function poolFactor(h: number, w: number): number {
  let f = 1;
  while (Math.max(h, w) / f > MAX_SIDE && (h / f) % 2 === 0 && (w / f) % 2 === 0) f *= 2;
  return f;
}

function shrunkShape([, h, w, c]: readonly [number, number, number, number]): [number, number, number] {
  const f = poolFactor(h, w);
  return [h / f, w / f, c];
}

function shrink(x: tf.Tensor4D): tf.Tensor4D {
  const f = poolFactor(x.shape[1], x.shape[2]);
  return f === 1 ? x : tf.avgPool(x, f, f, 'valid');
}
