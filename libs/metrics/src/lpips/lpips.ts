// LPIPS, AlexNet-lin (Zhang et al. 2018), versions 0.0 (what BicycleGAN reports) and 0.1 (the
// `lpips` package default), computed exactly as richzhang/PerceptualSimilarity does it
// (fixtures/lpips/README.md is the spec):
//
//   x [N,H,W,3] in [-1,1] -> (v0.1 only: (x - shift) / scale) -> AlexNet relu1..relu5
//   -> per pixel unit-normalise channels f / (sqrt(sum f^2) + 1e-10)
//   -> (f0 - f1)^2 -> 1x1 lin weights (C -> 1, no bias) -> spatial mean -> sum over the 5 taps.
//
// Features are computed once per image (`features`) so the diversity protocol can compare M
// samples pairwise without re-running the trunk.
import * as tf from '@tensorflow/tfjs';
import type { LpipsVersion } from '@workbench/config';

/** `eval.lpips_version` values (the config schema's list). */
export { LPIPS_VERSIONS, type LpipsVersion } from '@workbench/config';

/** The five conv layers of torchvision's `alexnet().features` (key prefix, stride, padding). */
export const ALEXNET_CONVS = [
  { key: 'features.0', stride: 4, pad: 2, poolBefore: false, outChannels: 64, inChannels: 3, kernel: 11 },
  { key: 'features.3', stride: 1, pad: 2, poolBefore: true, outChannels: 192, inChannels: 64, kernel: 5 },
  { key: 'features.6', stride: 1, pad: 1, poolBefore: true, outChannels: 384, inChannels: 192, kernel: 3 },
  { key: 'features.8', stride: 1, pad: 1, poolBefore: false, outChannels: 256, inChannels: 384, kernel: 3 },
  { key: 'features.10', stride: 1, pad: 1, poolBefore: false, outChannels: 256, inChannels: 256, kernel: 3 },
] as const;

/** Smallest image side AlexNet's two max pools accept (conv1 → ≥ 7 → pool → ≥ 3 → pool). */
export const LPIPS_MIN_SIZE = 31;

// ScalingLayer constants (float32 in the reference): ImageNet mean/std for [-1,1] input.
const SHIFT = [-0.03, -0.088, -0.188];
const SCALE = [0.458, 0.448, 0.45];
const NORM_EPS = 1e-10;

/** AlexNet trunk in tfjs layouts: conv weights HWIO [k,k,in,out], biases [out]. */
export interface AlexTrunkWeights {
  /** `features.{0,3,6,8,10}.weight` (HWIO) and `.bias`. */
  tensors: Map<string, tf.Tensor>;
}

/** Five lin vectors, lin_k of length C_k (the [1,C,1,1] 1×1 conv weight flattened). */
export type LinWeights = [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];

/** Unit-normalised taps of one batch of images: five [N,h_k,w_k,C_k] tensors. */
export type LpipsFeatures = tf.Tensor4D[];

/** Tap `k` of a feature list: every list has all five, a missing one is named. */
export function featureLayer(features: LpipsFeatures, k: number): tf.Tensor4D {
  const f = features[k];
  if (f === undefined) throw new Error(`LPIPS features: no layer ${k} (a feature list has ${features.length})`);
  return f;
}

export class Lpips {
  private disposed = false;

  constructor(
    readonly version: LpipsVersion,
    private readonly trunk: AlexTrunkWeights,
    private readonly lin: LinWeights,
  ) {
    for (const c of ALEXNET_CONVS) {
      const w = trunk.tensors.get(`${c.key}.weight`);
      const b = trunk.tensors.get(`${c.key}.bias`);
      const want = [c.kernel, c.kernel, c.inChannels, c.outChannels];
      if (!w || !b || w.shape.join() !== want.join() || b.shape.join() !== String(c.outChannels)) {
        throw new Error(`LPIPS AlexNet weights: ${c.key}.weight must be HWIO [${want}] with bias [${c.outChannels}]`);
      }
    }
    lin.forEach((l, k) => {
      const expected = ALEXNET_CONVS[k]?.outChannels;
      if (l.shape[0] !== expected) {
        throw new Error(`LPIPS lin${k} weight has ${l.shape[0]} channels, expected ${expected ?? 'none (AlexNet has five taps)'}`);
      }
    });
  }

  /** The five AlexNet ReLU outputs after this version's input handling: relu1..relu5 [N,h,w,C]. */
  taps(x: tf.Tensor4D): tf.Tensor4D[] {
    this.checkInput(x);
    return tf.tidy(() => {
      let h: tf.Tensor4D = x;
      if (this.version === '0.1') {
        // v0.0 skips this: "original release had a bug, where input was not scaled".
        h = tf.div(tf.sub(h, tf.tensor1d(SHIFT)), tf.tensor1d(SCALE));
      }
      const out: tf.Tensor4D[] = [];
      for (const c of ALEXNET_CONVS) {
        if (c.poolBefore) h = tf.maxPool(h, 3, 2, 'valid');
        // Numeric pad = symmetric zero padding, as PyTorch's Conv2d; TF 'same' would be asymmetric
        // (and 16 instead of 15 wide at 64 px for conv1).
        h = tf.fused.conv2d({
          x: h,
          filter: this.trunk.tensors.get(`${c.key}.weight`) as tf.Tensor4D,
          bias: this.trunk.tensors.get(`${c.key}.bias`),
          strides: c.stride,
          pad: c.pad,
          activation: 'relu',
        });
        out.push(h);
      }
      return out;
    });
  }

  /** Taps unit-normalised over channels: f / (sqrt(Σ_c f²) + 1e-10) (eps outside the root). */
  features(x: tf.Tensor4D): LpipsFeatures {
    return tf.tidy(() =>
      this.taps(x).map((f) => tf.div(f, tf.add(tf.sqrt(tf.sum(tf.square(f), -1, true)), NORM_EPS))),
    );
  }

  /** The five layer terms from precomputed features: [N,5]; row i compares f0[i] with f1[i]. */
  perLayerFromFeatures(f0: LpipsFeatures, f1: LpipsFeatures): tf.Tensor2D {
    return tf.tidy(() => {
      const terms = this.lin.map((lin, k) => {
        const d = tf.squaredDifference(featureLayer(f0, k), featureLayer(f1, k)); // [N,h,w,C]
        // 1×1 conv with one output channel, no bias; then mean over h×w.
        return tf.mean(tf.sum(tf.mul(d, lin), -1), [1, 2]); // [N]
      });
      return tf.stack(terms, 1) as tf.Tensor2D;
    });
  }

  /** LPIPS from precomputed features: [N], the left-to-right sum of the five layer terms. */
  distanceFromFeatures(f0: LpipsFeatures, f1: LpipsFeatures): tf.Tensor1D {
    return tf.tidy(() => {
      const per = tf.unstack(this.perLayerFromFeatures(f0, f1), 1);
      // ((((r0 + r1) + r2) + r3) + r4), the reference's summation order.
      return per.reduce((acc, r) => tf.add(acc, r)) as tf.Tensor1D;
    });
  }

  /** Per-layer terms of LPIPS(x0[i], x1[i]): [N,5]. */
  perLayer(x0: tf.Tensor4D, x1: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.perLayerFromFeatures(this.features(x0), this.features(x1)));
  }

  /** LPIPS(x0[i], x1[i]) for images [N,H,W,3] in [-1,1]: [N]. */
  distance(x0: tf.Tensor4D, x1: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => this.distanceFromFeatures(this.features(x0), this.features(x1)));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.trunk.tensors.values()) t.dispose();
    for (const l of this.lin) l.dispose();
  }

  private checkInput(x: tf.Tensor4D): void {
    if (this.disposed) throw new Error('this Lpips instance was disposed');
    const [, h, w, c] = x.shape;
    if (c !== 3) throw new Error(`LPIPS needs RGB images [N,H,W,3]; got ${c} channels (tile grey images to 3 channels first)`);
    if (h < LPIPS_MIN_SIZE || w < LPIPS_MIN_SIZE) {
      throw new Error(`LPIPS (AlexNet) needs images of at least ${LPIPS_MIN_SIZE}×${LPIPS_MIN_SIZE}; got ${h}×${w}`);
    }
  }
}
