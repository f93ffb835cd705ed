// Tensor operations whose PyTorch semantics differ from tfjs defaults, written out exactly.
import * as tf from '@tensorflow/tfjs';
import { INSTANCE_NORM_GRAD_KERNEL, INSTANCE_NORM_KERNEL, LEAKY_RELU_GRAD_KERNEL } from '@workbench/backend/fused-kernels';

/** Whether the active backend registered one of @workbench/backend's fused kernels (wasm does). */
function hasFusedKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

const LRELU_SLOPE = 0.2;

/** LeakyReLU(0.2), used in every down path, in E and in D. */
export function lrelu(x: tf.Tensor4D): tf.Tensor4D {
  return lreluOp(x) as tf.Tensor4D;
}

/** The stock forward; the backward in one fused kernel where the backend has it (tfjs's own: three). */
const lreluOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor;
  (args[1] as tf.GradSaveFunc)([x]);
  return {
    value: tf.leakyRelu(x, LRELU_SLOPE),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xx] = saved as [tf.Tensor];
      if (hasFusedKernel(LEAKY_RELU_GRAD_KERNEL)) return tf.engine().runKernel(LEAKY_RELU_GRAD_KERNEL, { dy, x: xx }, { alpha: LRELU_SLOPE }) as tf.Tensor;
      return tf.where(tf.greater(xx, 0), dy, tf.mul(dy, LRELU_SLOPE));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * InstanceNorm2d(affine=False, track_running_stats=False): per sample and channel over H×W,
 * biased variance, eps 1e-5; also at test time. [N,H,W,C] -> [N,H,W,C]
 * One op with its analytic gradient (as PyTorch's own backward): dx = rstd·(dy − mean(dy) −
 * y·mean(dy·y)), y = (x − mean)·rstd. One fused kernel each way where the backend has it (wasm),
 * else seven, instead of the ~25 that differentiating tf.moments dispatches; only y and rstd are
 * kept for the backward pass.
 */
export function instanceNorm(x: tf.Tensor4D): tf.Tensor4D {
  return instanceNormOp(x) as tf.Tensor4D;
}

const INSTANCE_NORM_EPS = 1e-5;

/** x [N,H,W,C] -> [y [N,H,W,C], rstd [N,1,1,C]] from stock ops (backends without the fused kernel). */
function instanceNormComposed(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const xc = tf.sub(x, tf.mean(x, [1, 2], true));
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(xc), [1, 2], true), INSTANCE_NORM_EPS)); // [N,1,1,C]
    return [tf.mul(xc, r), r];
  }) as [tf.Tensor, tf.Tensor];
}

const instanceNormOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as tf.Tensor; //                                  [N,H,W,C]
  const save = args[1] as tf.GradSaveFunc;
  const [y, rstd] = hasFusedKernel(INSTANCE_NORM_KERNEL)
    ? (tf.engine().runKernel(INSTANCE_NORM_KERNEL, { x }, { eps: INSTANCE_NORM_EPS }) as [tf.Tensor, tf.Tensor])
    : instanceNormComposed(x);
  save([y, rstd]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [yy, r] = saved as [tf.Tensor, tf.Tensor];
      if (hasFusedKernel(INSTANCE_NORM_GRAD_KERNEL)) return tf.engine().runKernel(INSTANCE_NORM_GRAD_KERNEL, { dy, y: yy, rstd: r }, {}) as tf.Tensor;
      const centred = tf.sub(dy, tf.mean(dy, [1, 2], true));
      return tf.mul(tf.sub(centred, tf.mul(yy, tf.mean(tf.mul(dy, yy), [1, 2], true))), r);
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * z [N,nz] -> [N,H,W,nz], the same vector at every pixel (PyTorch `expand`).
 * A broadcasting multiply rather than tf.tile: Tile's gradient issues one kernel call per
 * repetition (65,536 at 256 px) and is catastrophically slow on wasm.
 */
export function tileZ(z: tf.Tensor2D, h: number, w: number): tf.Tensor4D {
  const [n, nz] = z.shape;
  return tf.mul(tf.reshape(z, [n, 1, 1, nz]), tf.ones([n, h, w, 1]));
}

/**
 * AvgPool2d(3, stride 2, padding 1, count_include_pad=False): symmetric zero padding, and each
 * window divided by its number of real (unpadded) cells. tfjs 'same' would pad (0,1) instead.
 */
export function avgPool3s2p1ExcludePad(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w] = x.shape;
    const pad: Array<[number, number]> = [[0, 0], [1, 1], [1, 1], [0, 0]];
    const sums = tf.avgPool(tf.pad(x, pad), 3, 2, 'valid'); //                  sum/9 per window
    const counts = tf.avgPool(tf.pad(tf.ones([1, h, w, 1]) as tf.Tensor4D, pad), 3, 2, 'valid'); // count/9 (constant)
    return tf.div(sums, counts);
  });
}

/** Upsample(×2, bilinear, align_corners=False) == tfjs resizeBilinear with half-pixel centers. */
export function upsampleBilinear2x(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.image.resizeBilinear(x, [2 * h, 2 * w], false, true);
}

/** ReflectionPad2d(1). */
export function reflectionPad1(x: tf.Tensor4D): tf.Tensor4D {
  return tf.mirrorPad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], 'reflect');
}

/**
 * Identity whose gradient w.r.t. its input is zero. Reading a weight through it lets gradients
 * flow through the layer's activations while none reach the weight: PyTorch's
 * `requires_grad=False` on E for the latent L1 loss (tfjs has no stopGradient).
 */
export const blockGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;
