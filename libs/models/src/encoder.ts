// The encoders E_ResNet and E_NLayers of the official code, both "vaeLike" (two heads: mu and
// logvar). Keys: E_ResNet registers `fc`, `fcVar` before `conv` (so its state_dict starts with
// `fc.0.*`); E_NLayers registers `conv` first.
import * as tf from '@tensorflow/tfjs';
import { Conv2d, EVAL, Linear, Norm2d, type RunContext } from './layers.js';
import type { NormKind } from './model-options.js';
import { Network } from './network.js';
import { lrelu } from './ops.js';
import type { ParamStore } from './param-store.js';

export interface EncoderOptions {
  arch: 'resnet' | 'cnn';
  /** Channels of the image E sees (B, i.e. output_nc). */
  inputNc: number;
  nz: number;
  nef: number;
  norm: NormKind;
  /** resnet: n_blocks; cnn: n_layers. log2(crop) − 3 (5 at 256, 4 at 128, 2 at 32): the map ends 8×8. */
  depth: number;
  /** Input size the depth was chosen for (the final AvgPool2d(8) needs an 8×8 map). */
  cropSize: number;
}

/** BasicBlock(in→out): main = [norm, LReLU, conv3x3(in→in), norm, LReLU, conv3x3(in→out), avgpool2]; shortcut = [avgpool2, conv1x1]. */
class BasicBlock {
  private readonly norm1?: Norm2d;
  private readonly conv1: Conv2d;
  private readonly norm2?: Norm2d;
  private readonly conv2: Conv2d;
  private readonly shortcut: Conv2d;

  constructor(store: ParamStore, prefix: string, cin: number, cout: number, norm: NormKind) {
    let i = 0;
    if (norm !== 'none') this.norm1 = new Norm2d(store, `${prefix}conv.${i++}`, norm, cin);
    i++; // LeakyReLU
    this.conv1 = new Conv2d(store, `${prefix}conv.${i++}`, cin, cin, 3, 1, 1);
    if (norm !== 'none') this.norm2 = new Norm2d(store, `${prefix}conv.${i++}`, norm, cin);
    i++; // LeakyReLU
    this.conv2 = new Conv2d(store, `${prefix}conv.${i}.0`, cin, cout, 3, 1, 1); // convMeanpool: [conv3x3, AvgPool2d(2)]
    this.shortcut = new Conv2d(store, `${prefix}shortcut.1`, cin, cout, 1, 1, 0); // meanpoolConv: [AvgPool2d(2), conv1x1]
  }

  apply(x: tf.Tensor4D, ctx: RunContext): tf.Tensor4D {
    let h = this.norm1 ? this.norm1.apply(x, ctx) : x;
    h = this.conv1.apply(lrelu(h), ctx);
    if (this.norm2) h = this.norm2.apply(h, ctx);
    h = tf.avgPool(this.conv2.apply(lrelu(h), ctx), 2, 2, 'valid');
    const s = this.shortcut.apply(tf.avgPool(x, 2, 2, 'valid'), ctx);
    return tf.add(h, s);
  }
}

export class Encoder extends Network {
  readonly kind = 'E' as const;
  private readonly fc: Linear;
  private readonly fcVar: Linear;
  private readonly first: Conv2d;
  private readonly blocks: BasicBlock[] = [];
  private readonly convs: Array<{ conv: Conv2d; norm?: Norm2d }> = [];

  constructor(
    store: ParamStore,
    readonly options: EncoderOptions,
  ) {
    super(store);
    const { nef, norm, depth, inputNc, nz } = options;
    if (depth < 2) throw new Error(`the encoder needs depth ≥ 2 (crop_size ≥ 32), got ${depth}`);
    if (options.arch === 'resnet') {
      const maxMult = 4;
      const width = nef * Math.min(maxMult, depth); // output of the last block
      this.fc = new Linear(store, 'fc.0', width, nz);
      this.fcVar = new Linear(store, 'fcVar.0', width, nz);
      this.first = new Conv2d(store, 'conv.0', inputNc, nef, 4, 2, 1);
      for (let n = 1; n < depth; n++) {
        this.blocks.push(new BasicBlock(store, `conv.${n}.`, nef * Math.min(maxMult, n), nef * Math.min(maxMult, n + 1), norm));
      }
    } else {
      let i = 0;
      this.first = new Conv2d(store, `conv.${i++}`, inputNc, nef, 4, 2, 1);
      i++; // LeakyReLU
      let mult = 1;
      for (let n = 1; n < depth; n++) {
        const prev = mult;
        mult = Math.min(2 ** n, 4);
        const conv = new Conv2d(store, `conv.${i++}`, nef * prev, nef * mult, 4, 2, 1);
        const nrm = norm === 'none' ? undefined : new Norm2d(store, `conv.${i++}`, norm, nef * mult);
        i++; // LeakyReLU
        this.convs.push({ conv, norm: nrm });
      }
      this.fc = new Linear(store, 'fc.0', nef * mult, nz);
      this.fcVar = new Linear(store, 'fcVar.0', nef * mult, nz);
    }
  }

  /**
   * b [N,H,W,inputNc] -> mu, logvar [N,nz]. `frozen`: weights are read through a zero-gradient
   * identity, so gradients reach b (and whatever produced it, e.g. G) but not E's weights.
   */
  apply(b: tf.Tensor4D, opts: Partial<RunContext> = {}): { mu: tf.Tensor2D; logvar: tf.Tensor2D } {
    const ctx: RunContext = { ...EVAL, ...opts };
    const [, h, w, c] = b.shape;
    if (h !== this.options.cropSize || w !== this.options.cropSize) {
      throw new Error(`E was built for ${this.options.cropSize}×${this.options.cropSize} images (crop_size) but got ${h}×${w}`);
    }
    if (c !== this.options.inputNc) throw new Error(`E expects ${this.options.inputNc} channels, got ${c}`);
    return tf.tidy(() => {
      let x = this.first.apply(b, ctx);
      if (this.options.arch === 'resnet') {
        for (const block of this.blocks) x = block.apply(x, ctx);
        x = lrelu(x);
      } else {
        x = lrelu(x);
        for (const { conv, norm } of this.convs) {
          x = conv.apply(x, ctx);
          if (norm) x = norm.apply(x, ctx);
          x = lrelu(x);
        }
      }
      // AvgPool2d(8) on the final 8×8 map = a global mean; then flatten [N,1,1,C] -> [N,C].
      const flat = tf.mean(x, [1, 2]) as tf.Tensor2D;
      return { mu: this.fc.apply(flat, ctx), logvar: this.fcVar.apply(flat, ctx) };
    });
  }
}
