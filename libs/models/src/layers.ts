// Parameter-owning layers. Each registers its parameters under the official key in a ParamStore
// at construction, and reads them at apply time. Weights are stored in tfjs layouts.
import * as tf from '@tensorflow/tfjs';
import { blockGradient, instanceNorm, reflectionPad1, upsampleBilinear2x } from './ops.js';
import type { NormKind, UpsampleKind } from './model-options.js';
import type { ParamStore } from './param-store.js';

/** Per-call switches shared by all layers of a forward pass. */
export interface RunContext {
  /** Dropout on; BatchNorm uses batch statistics and updates its running stats. */
  training: boolean;
  /** Weights are read through `blockGradient` (gradients reach activations, not weights). */
  frozen: boolean;
  /** Seed for dropout masks (undefined: tfjs's global RNG). Each dropout layer offsets it. */
  dropoutSeed?: number;
}

export const EVAL: RunContext = { training: false, frozen: false };

function read(store: ParamStore, key: string, ctx: RunContext): tf.Tensor {
  const v = store.get(key);
  return ctx.frozen ? blockGradient(v) : v;
}

/** Conv2d(cin→cout, k, stride, padding) with bias; symmetric explicit padding as PyTorch. */
export class Conv2d {
  readonly weight: string;
  readonly bias: string;

  constructor(
    private readonly store: ParamStore,
    key: string,
    readonly cin: number,
    readonly cout: number,
    readonly k: number,
    readonly stride: number,
    readonly pad: number,
  ) {
    const fan = k * k;
    this.weight = store.add(`${key}.weight`, [k, k, cin, cout], 'conv', { kind: 'xavier', fanIn: cin * fan, fanOut: cout * fan });
    this.bias = store.add(`${key}.bias`, [cout], 'vector', { kind: 'zeros' });
  }

  apply(x: tf.Tensor4D, ctx: RunContext): tf.Tensor4D {
    const w = read(this.store, this.weight, ctx) as tf.Tensor4D;
    const b = read(this.store, this.bias, ctx) as tf.Tensor1D;
    // A numeric pad is PyTorch's symmetric padding p (tfjs 'same' may pad asymmetrically).
    return tf.fused.conv2d({ x, filter: w, strides: this.stride, pad: this.pad, bias: b });
  }
}

/** ConvTranspose2d(cin→cout, k4, s2, p1): output 2H×2W, equal to tfjs conv2dTranspose 'same'. */
export class ConvTranspose2d {
  readonly weight: string;
  readonly bias: string;

  constructor(
    private readonly store: ParamStore,
    key: string,
    readonly cin: number,
    readonly cout: number,
  ) {
    // PyTorch IOHW [in,out,4,4] -> tfjs [4,4,out,in]. PyTorch's fan_in for ConvTranspose is
    // out·k² and fan_out in·k²; xavier only uses their sum.
    this.weight = store.add(`${key}.weight`, [4, 4, cout, cin], 'convT', { kind: 'xavier', fanIn: cout * 16, fanOut: cin * 16 });
    this.bias = store.add(`${key}.bias`, [cout], 'vector', { kind: 'zeros' });
  }

  apply(x: tf.Tensor4D, ctx: RunContext): tf.Tensor4D {
    const [n, h, w] = x.shape;
    const filter = read(this.store, this.weight, ctx) as tf.Tensor4D;
    const y = tf.conv2dTranspose(x, filter, [n, 2 * h, 2 * w, this.cout], 2, 'same');
    return tf.add(y, read(this.store, this.bias, ctx));
  }
}

/**
 * The official `upsampleLayer`: 'basic' = ConvTranspose2d(k4,s2,p1) (one Sequential entry);
 * 'bilinear' = Upsample(×2) + ReflectionPad2d(1) + Conv2d(k3, p0) (three entries, conv last).
 */
export class UpsampleLayer {
  private readonly convT?: ConvTranspose2d;
  private readonly conv?: Conv2d;
  /** Number of nn.Sequential slots the official layer list occupies. */
  readonly slots: number;

  constructor(store: ParamStore, prefix: string, firstIndex: number, cin: number, cout: number, kind: UpsampleKind) {
    if (kind === 'basic') {
      this.convT = new ConvTranspose2d(store, `${prefix}${firstIndex}`, cin, cout);
      this.slots = 1;
    } else {
      this.conv = new Conv2d(store, `${prefix}${firstIndex + 2}`, cin, cout, 3, 1, 0);
      this.slots = 3;
    }
  }

  apply(x: tf.Tensor4D, ctx: RunContext): tf.Tensor4D {
    if (this.convT) return this.convT.apply(x, ctx);
    return this.conv!.apply(reflectionPad1(upsampleBilinear2x(x)), ctx);
  }
}

/** Linear(cin→cout) on [N,cin]. */
export class Linear {
  readonly weight: string;
  readonly bias: string;

  constructor(
    private readonly store: ParamStore,
    key: string,
    cin: number,
    cout: number,
  ) {
    this.weight = store.add(`${key}.weight`, [cin, cout], 'linear', { kind: 'xavier', fanIn: cin, fanOut: cout });
    this.bias = store.add(`${key}.bias`, [cout], 'vector', { kind: 'zeros' });
  }

  apply(x: tf.Tensor2D, ctx: RunContext): tf.Tensor2D {
    return tf.add(tf.matMul(x, read(this.store, this.weight, ctx) as tf.Tensor2D), read(this.store, this.bias, ctx));
  }
}

/**
 * InstanceNorm2d (no parameters) or BatchNorm2d (affine weight/bias, running mean/var buffers,
 * momentum 0.1, eps 1e-5; running var updated with the unbiased batch variance as PyTorch).
 */
export class Norm2d {
  private readonly keys?: { weight: string; bias: string; mean: string; var: string };

  constructor(
    private readonly store: ParamStore,
    key: string,
    readonly kind: Exclude<NormKind, 'none'>,
    channels: number,
  ) {
    if (kind === 'batch') {
      this.keys = {
        weight: store.add(`${key}.weight`, [channels], 'vector', { kind: 'normal-one' }),
        bias: store.add(`${key}.bias`, [channels], 'vector', { kind: 'zeros' }),
        mean: store.add(`${key}.running_mean`, [channels], 'vector', { kind: 'zeros' }, false),
        var: store.add(`${key}.running_var`, [channels], 'vector', { kind: 'ones' }, false),
      };
      // num_batches_tracked (an int64 counter, used only with momentum=None) is not kept.
    }
  }

  apply(x: tf.Tensor4D, ctx: RunContext): tf.Tensor4D {
    if (this.kind === 'instance') return instanceNorm(x);
    const k = this.keys!;
    const weight = read(this.store, k.weight, ctx);
    const bias = read(this.store, k.bias, ctx);
    if (!ctx.training) {
      const mean = this.store.get(k.mean);
      const variance = this.store.get(k.var);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), weight), bias);
    }
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const [n, h, w] = x.shape;
    const count = n * h * w;
    tf.tidy(() => {
      const runMean = this.store.get(k.mean);
      const runVar = this.store.get(k.var);
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
      runMean.assign(tf.add(tf.mul(runMean, 0.9), tf.mul(mean, 0.1)));
      runVar.assign(tf.add(tf.mul(runVar, 0.9), tf.mul(unbiased, 0.1)));
    });
    return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), weight), bias);
  }
}

/** Dropout(0.5) in training mode. */
export function dropout(x: tf.Tensor4D, ctx: RunContext, layerIndex: number): tf.Tensor4D {
  if (!ctx.training) return x;
  return tf.dropout(x, 0.5, undefined, ctx.dropoutSeed === undefined ? undefined : ctx.dropoutSeed + layerIndex) as tf.Tensor4D;
}
