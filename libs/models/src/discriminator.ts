// D_NLayersMulti of the official code: num_Ds PatchGAN scales; scale i has ndf_i = round(ndf/2^i)
// and sees the image downsampled i times by AvgPool2d(3, s2, p1, count_include_pad=False).
// Keys: `model_<i>.<slot>` (`model.<slot>` when num_Ds = 1, as the official single-scale branch).
import * as tf from '@tensorflow/tfjs';
import { Conv2d, EVAL, Norm2d, type RunContext } from './layers.js';
import type { NormKind } from './model-options.js';
import { Network } from './network.js';
import { avgPool3s2p1ExcludePad, lrelu } from './ops.js';
import type { ParamStore } from './param-store.js';

export interface DiscriminatorOptions {
  /** output_nc, or input_nc + output_nc with conditional_D. */
  inputNc: number;
  ndf: number;
  /** 3 for basic_256_multi (crop ≥ 256), 2 for basic_128_multi (smaller crops). */
  nLayers: number;
  norm: NormKind;
  numDs: number;
}

/** Python's round(): half to even (round(2.5) = 2). */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

interface DLayer {
  conv: Conv2d;
  norm?: Norm2d;
  act: boolean;
}

/** One scale: conv(s2)+LReLU, (n_layers−1)×[conv(s2), norm, LReLU], conv(s1), norm, LReLU, conv(s1)→1. */
function buildScale(store: ParamStore, prefix: string, o: DiscriminatorOptions, ndf: number): DLayer[] {
  const layers: DLayer[] = [];
  let i = 0;
  // With norm 'none' the official get_layers would call None; we keep the slot (an identity)
  // so keys do not depend on the norm.
  const normAt = (c: number): Norm2d | undefined => {
    const key = `${prefix}${i++}`;
    return o.norm === 'none' ? undefined : new Norm2d(store, key, o.norm, c);
  };
  layers.push({ conv: new Conv2d(store, `${prefix}${i++}`, o.inputNc, ndf, 4, 2, 1), act: true });
  i++;
  let mult = 1;
  for (let n = 1; n < o.nLayers; n++) {
    const prev = mult;
    mult = Math.min(2 ** n, 8);
    const conv = new Conv2d(store, `${prefix}${i++}`, ndf * prev, ndf * mult, 4, 2, 1);
    layers.push({ conv, norm: normAt(ndf * mult), act: true });
    i++;
  }
  const prev = mult;
  mult = Math.min(2 ** o.nLayers, 8);
  const conv = new Conv2d(store, `${prefix}${i++}`, ndf * prev, ndf * mult, 4, 1, 1);
  layers.push({ conv, norm: normAt(ndf * mult), act: true });
  i++;
  layers.push({ conv: new Conv2d(store, `${prefix}${i}`, ndf * mult, 1, 4, 1, 1), act: false });
  return layers;
}

export class Discriminator extends Network {
  readonly kind = 'D' as const;
  private readonly scales: DLayer[][] = [];

  constructor(
    store: ParamStore,
    readonly options: DiscriminatorOptions,
  ) {
    super(store);
    if (options.numDs < 1) throw new Error(`num_Ds must be ≥ 1, got ${options.numDs}`);
    for (let s = 0; s < options.numDs; s++) {
      const prefix = options.numDs === 1 ? 'model.' : `model_${s}.`;
      this.scales.push(buildScale(store, prefix, options, pyRound(options.ndf / 2 ** s)));
    }
  }

  /** x [N,H,W,inputNc] -> one raw (no sigmoid) patch map per scale, [N,h_s,w_s,1]. */
  apply(x: tf.Tensor4D, opts: Partial<RunContext> = {}): tf.Tensor4D[] {
    const ctx: RunContext = { ...EVAL, ...opts };
    if (x.shape[3] !== this.options.inputNc) {
      throw new Error(`D expects ${this.options.inputNc} channels, got ${x.shape[3]} (conditional_D feeds concat(A, B))`);
    }
    return tf.tidy(() => {
      const outs: tf.Tensor4D[] = [];
      let down = x;
      for (const [s, scale] of this.scales.entries()) {
        let h = down;
        for (const layer of scale) {
          h = layer.conv.apply(h, ctx);
          if (layer.norm) h = layer.norm.apply(h, ctx);
          if (layer.act) h = lrelu(h);
        }
        outs.push(h);
        if (s < this.scales.length - 1) down = avgPool3s2p1ExcludePad(down);
      }
      return outs;
    });
  }
}
