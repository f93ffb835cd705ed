// The U-Net generators G_Unet_add_input and G_Unet_add_all of the official code
// (models/networks.py), built level by level from the outermost (full resolution) to the
// innermost (1×1). Variables carry the official state_dict keys:
//   add_input: nn.Sequential nesting, `model.model.0` (outer down conv), `model.model.1.model.1`, ...
//   add_all:   `model.down.0`, `model.up.1`, `model.submodule.down.1`, ...
import * as tf from '@tensorflow/tfjs';
import { Conv2d, dropout, EVAL, Norm2d, UpsampleLayer, type RunContext } from './layers.js';
import type { NormKind, UpsampleKind } from './model-options.js';
import { Network } from './network.js';
import { lrelu, tileZ } from './ops.js';
import type { ParamStore } from './param-store.js';

export interface GeneratorOptions {
  inputNc: number;
  outputNc: number;
  nz: number;
  /** Number of stride-2 levels: log2(crop size) (8 at 256, 7 at 128, 5 at 32). */
  numDowns: number;
  ngf: number;
  norm: NormKind;
  useDropout: boolean;
  upsample: UpsampleKind;
  whereAdd: 'input' | 'all';
}

/** Channel plan of one level: down conv input→inner, up layer →outer. */
interface LevelPlan {
  input: number;
  outer: number;
  inner: number;
  outermost: boolean;
  innermost: boolean;
  dropout: boolean;
}

/**
 * Outermost first. Official nesting (both variants): innermost 8·ngf, then (numDowns − 5)
 * 8·ngf blocks with dropout, then 8·ngf←4·ngf, 4·ngf←2·ngf, 2·ngf←ngf, outermost.
 * (G_Unet_add_all hard-codes one dropout block plus numDowns − 6 more: the same count for
 * numDowns ≥ 6; below that, e.g. 32 px, we build numDowns − 5 = 0 instead of failing.)
 */
export function unetPlan(o: GeneratorOptions): LevelPlan[] {
  const { ngf, numDowns } = o;
  if (numDowns < 5) throw new Error(`the U-Net needs at least 5 levels (crop_size ≥ 32), got ${numDowns}`);
  const levels: LevelPlan[] = [
    { input: o.inputNc, outer: o.outputNc, inner: ngf, outermost: true, innermost: false, dropout: false },
    { input: ngf, outer: ngf, inner: ngf * 2, outermost: false, innermost: false, dropout: false },
    { input: ngf * 2, outer: ngf * 2, inner: ngf * 4, outermost: false, innermost: false, dropout: false },
    { input: ngf * 4, outer: ngf * 4, inner: ngf * 8, outermost: false, innermost: false, dropout: false },
  ];
  for (let i = 0; i < numDowns - 5; i++) {
    levels.push({ input: ngf * 8, outer: ngf * 8, inner: ngf * 8, outermost: false, innermost: false, dropout: o.useDropout });
  }
  levels.push({ input: ngf * 8, outer: ngf * 8, inner: ngf * 8, outermost: false, innermost: true, dropout: false });
  return levels;
}

/** Sequential slot counter: keys `${prefix}${index}` in registration order. */
class Slots {
  private i = 0;
  constructor(readonly prefix: string) {}
  take(n = 1): number {
    const at = this.i;
    this.i += n;
    return at;
  }
  key(): string {
    return `${this.prefix}${this.take()}`;
  }
}

/** One U-Net level with its child; the layer lists follow UnetBlock / UnetBlock_with_z. */
class UnetLevel {
  private readonly downConv: Conv2d;
  private readonly downNorm?: Norm2d;
  private readonly child?: UnetLevel;
  private readonly upConv: UpsampleLayer;
  private readonly upNorm?: Norm2d;

  constructor(
    store: ParamStore,
    prefix: string,
    private readonly plans: LevelPlan[],
    private readonly depth: number,
    private readonly o: GeneratorOptions,
  ) {
    const p = plans[depth];
    if (!p) throw new Error(`U-Net level ${depth} has no plan: the generator plans ${plans.length} levels`);
    this.plan = p;
    const withZ = o.whereAdd === 'all';
    const zIn = withZ || p.outermost ? o.nz : 0;
    const norm = o.norm === 'none' ? undefined : o.norm;
    // add_input: one nn.Sequential `model` = down + [submodule] + up.
    // add_all: `down`, `submodule`, `up` registered in that order.
    const down = new Slots(withZ ? `${prefix}down.` : `${prefix}model.`);
    if (!p.outermost) down.take(); //                          LeakyReLU(0.2)
    this.downConv = new Conv2d(store, down.key(), p.input + zIn, p.inner, 4, 2, 1);
    if (!p.outermost && !p.innermost && norm) this.downNorm = new Norm2d(store, down.key(), norm, p.inner);
    if (!p.innermost) {
      const childPrefix = withZ ? `${prefix}submodule.` : `${down.prefix}${down.take()}.`;
      this.child = new UnetLevel(store, childPrefix, plans, depth + 1, o);
    }
    const up = withZ ? new Slots(`${prefix}up.`) : down;
    up.take(); //                                               ReLU
    const upIn = p.innermost ? p.inner : p.inner * 2;
    this.upConv = new UpsampleLayer(store, up.prefix, up.take(0), upIn, p.outer, o.upsample);
    up.take(this.upConv.slots);
    if (!p.outermost && norm) this.upNorm = new Norm2d(store, up.key(), norm, p.outer);
  }

  private readonly plan: LevelPlan;

  /** x [N,H,W,input] (without z) -> [N,H,W,2·outer] (concat [up, skip]) or the tanh image. */
  apply(x: tf.Tensor4D, z: tf.Tensor2D | null, ctx: RunContext): tf.Tensor4D {
    const p = this.plan;
    const withZ = this.o.whereAdd === 'all';
    const [, h, w] = x.shape;
    const addZ = z !== null && (withZ || p.outermost);
    const xz = addZ ? tf.concat([x, tileZ(z, h, w)], 3) : x;
    // add_input applies LeakyReLU in place to the block input, so the skip carries LReLU(x);
    // add_all applies it to the fresh concat [x, z], so the skip carries the raw x.
    const act = p.outermost ? xz : lrelu(xz);
    const skip = withZ ? x : act;
    let hdn = this.downConv.apply(act, ctx);
    if (this.downNorm) hdn = this.downNorm.apply(hdn, ctx);
    if (this.child) hdn = this.child.apply(hdn, withZ ? z : null, ctx);
    let u = this.upConv.apply(tf.relu(hdn), ctx);
    if (p.outermost) return tf.tanh(u);
    if (this.upNorm) u = this.upNorm.apply(u, ctx);
    if (p.dropout) u = dropout(u, ctx, this.depth);
    return tf.concat([u, skip], 3);
  }
}

export class Generator extends Network {
  readonly kind = 'G' as const;
  private readonly root: UnetLevel;

  constructor(
    store: ParamStore,
    readonly options: GeneratorOptions,
  ) {
    super(store);
    this.root = new UnetLevel(store, 'model.', unetPlan(options), 0, options);
  }

  /** a [N,H,W,inputNc], z [N,nz] -> [N,H,W,outputNc] in (-1, 1). `training` turns dropout on. */
  apply(a: tf.Tensor4D, z: tf.Tensor2D | null, opts: Partial<RunContext> = {}): tf.Tensor4D {
    const ctx: RunContext = { ...EVAL, ...opts, frozen: false };
    const [, h, w, c] = a.shape;
    const size = 2 ** this.options.numDowns;
    if (h !== size || w !== size) {
      throw new Error(`G was built for ${size}×${size} images (crop_size ${size}) but got ${h}×${w}`);
    }
    if (c !== this.options.inputNc) throw new Error(`G expects ${this.options.inputNc} input channels, got ${c}`);
    if (this.options.nz > 0 && (z === null || z.shape[1] !== this.options.nz)) {
      throw new Error(`G expects z of shape [N,${this.options.nz}], got ${z === null ? 'none' : `[${z.shape.join(',')}]`}`);
    }
    return tf.tidy(() => this.root.apply(a, this.options.nz > 0 ? z : null, ctx));
  }
}
