// A minimal, self-contained pix2pix-shaped network pair for timing: a U-Net generator (as in
// pix2pix's unet_<res>: one stride-2 level per halving down to 1×1, instance norm, dropout on the
// three innermost 8·ngf up levels) and the 3-layer PatchGAN (conditional: it sees A and B).
// Layer specs are explicit so the same list builds the variables and counts FLOPs.
import * as tf from '@tensorflow/tfjs';

export interface ConvSpec {
  name: string;
  kind: 'conv' | 'convT';
  kernel: number;
  stride: number;
  inC: number;
  outC: number;
  /** Spatial size of the layer's input (square maps). */
  inSize: number;
  /** Spatial size of its output. */
  outSize: number;
}

/** Multiply-adds × 2 of one forward pass of a layer at batch `n`. */
export function convFlops(s: ConvSpec, n: number): number {
  // conv: every output pixel sees k²·Cin inputs per output channel; convT: every input pixel
  // scatters into k² outputs per (Cin, Cout) pair. Both are k²·Cin·Cout MACs per pixel.
  const pixels = s.kind === 'conv' ? s.outSize * s.outSize : s.inSize * s.inSize;
  return 2 * n * pixels * s.kernel * s.kernel * s.inC * s.outC;
}

/** Level `i` of a list built to the U-Net's depth (a missing one is a bug in the specs). */
function atLevel<T>(items: readonly T[], i: number, what: string): T {
  const item = items[i];
  if (item === undefined) throw new Error(`pix2pix U-Net: no ${what} at level ${i} of ${items.length}`);
  return item;
}

export function unetSpecs(res: number, ngf: number, inC = 3, outC = 3): { down: ConvSpec[]; up: ConvSpec[] } {
  const depth = Math.round(Math.log2(res));
  if (2 ** depth !== res || depth < 2) throw new Error(`resolution ${res} is not a power of two ≥ 4: use 64, 128 or 256`);
  const ch = Array.from({ length: depth }, (_, i) => ngf * Math.min(8, 2 ** i)); // ngf, 2ngf, 4ngf, 8ngf, 8ngf...
  const down: ConvSpec[] = [];
  const up: ConvSpec[] = [];
  let below: number | undefined; // the previous level's channels (none at level 0: the image's)
  for (const [i, c] of ch.entries()) {
    down.push({
      name: `down${i}`, kind: 'conv', kernel: 4, stride: 2,
      inC: below ?? inC, outC: c, inSize: res >> i, outSize: res >> (i + 1),
    });
    up.push({
      name: `up${i}`, kind: 'convT', kernel: 4, stride: 2,
      inC: i === depth - 1 ? c : 2 * c, outC: below ?? outC, inSize: res >> (i + 1), outSize: res >> i,
    });
    below = c;
  }
  return { down, up };
}

export function patchGanSpecs(res: number, ndf: number, inC = 6): ConvSpec[] {
  const specs: ConvSpec[] = [];
  const plan: Array<[number, number]> = [[ndf, 2], [2 * ndf, 2], [4 * ndf, 2], [8 * ndf, 1], [1, 1]]; // [outC, stride]
  let size = res;
  let c = inC;
  plan.forEach(([outC, stride], i) => {
    // k4: stride 2 with pad 1 halves; stride 1 with pad 1 shrinks by one.
    const outSize = stride === 2 ? size / 2 : size - 1;
    specs.push({ name: `d${i}`, kind: 'conv', kernel: 4, stride, inC: c, outC, inSize: size, outSize });
    size = outSize;
    c = outC;
  });
  return specs;
}

/** Conv FLOPs of one forward pass of G and of D at batch n (no variables are made). */
export function forwardFlops(res: number, ngf: number, n: number): { g: number; d: number } {
  const sum = (specs: ConvSpec[]) => specs.reduce((acc, s) => acc + convFlops(s, n), 0);
  const g = unetSpecs(res, ngf);
  return { g: sum([...g.down, ...g.up]), d: sum(patchGanSpecs(res, ngf)) };
}

type Params = Map<string, tf.Variable>;

function makeParams(specs: ConvSpec[], prefix: string, seed: number): Params {
  const p: Params = new Map();
  specs.forEach((s, i) => {
    // conv2d filters are [k,k,in,out]; conv2dTranspose filters are [k,k,out,in].
    const shape = s.kind === 'conv' ? [s.kernel, s.kernel, s.inC, s.outC] : [s.kernel, s.kernel, s.outC, s.inC];
    p.set(`${prefix}.${s.name}.w`, tf.variable(tf.randomNormal(shape, 0, 0.02, 'float32', seed + i)));
    p.set(`${prefix}.${s.name}.b`, tf.variable(tf.zeros([s.outC])));
  });
  return p;
}

function instanceNorm(x: tf.Tensor4D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [1, 2], true);
  return x.sub(mean).div(variance.add(1e-5).sqrt());
}

const PAD1: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [1, 1], [1, 1], [0, 0]];

export class Pix2pixPair {
  readonly g: { down: ConvSpec[]; up: ConvSpec[] };
  readonly d: ConvSpec[];
  readonly gParams: Params;
  readonly dParams: Params;

  constructor(readonly res: number, readonly ngf: number) {
    this.g = unetSpecs(res, ngf);
    this.d = patchGanSpecs(res, ngf);
    this.gParams = makeParams([...this.g.down, ...this.g.up], 'G', 1);
    this.dParams = makeParams(this.d, 'D', 1000);
  }

  private w(p: Params, key: string): tf.Tensor4D {
    return p.get(key) as tf.Variable as unknown as tf.Tensor4D;
  }

  /** a [N,res,res,3] → fake B [N,res,res,3] in [-1,1]. */
  generator(a: tf.Tensor4D): tf.Tensor4D {
    const { down, up } = this.g;
    const p = this.gParams;
    const depth = down.length;
    const skips: tf.Tensor4D[] = [];
    let h = a;
    down.forEach((s, i) => {
      if (i > 0) h = tf.leakyRelu(h, 0.2);
      h = tf.conv2d(h, this.w(p, `G.${s.name}.w`), 2, 'same').add(p.get(`G.${s.name}.b`) as tf.Tensor);
      if (i > 0 && i < depth - 1) h = instanceNorm(h);
      skips.push(h);
    });
    let u = atLevel(skips, depth - 1, 'skip');
    for (let i = depth - 1; i >= 0; i--) {
      const s = atLevel(up, i, 'up conv');
      const x = i === depth - 1 ? u : tf.concat([u, atLevel(skips, i, 'skip')], 3);
      const n = x.shape[0];
      u = tf.conv2dTranspose(tf.relu(x), this.w(p, `G.${s.name}.w`), [n, s.outSize, s.outSize, s.outC], 2, 'same')
        .add(p.get(`G.${s.name}.b`) as tf.Tensor) as tf.Tensor4D;
      if (i > 0) u = instanceNorm(u);
      if (i > 0 && i >= depth - 4 && i < depth - 1) u = tf.dropout(u, 0.5) as tf.Tensor4D;
    }
    return tf.tanh(u);
  }

  /** (a, b) [N,res,res,3] each → patch logits [N,h,w,1]. */
  discriminator(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
    const p = this.dParams;
    let h = tf.concat([a, b], 3);
    this.d.forEach((s, i) => {
      const pad = s.stride === 2 ? 'same' : PAD1;
      h = tf.conv2d(h, this.w(p, `D.${s.name}.w`), s.stride, pad).add(p.get(`D.${s.name}.b`) as tf.Tensor) as tf.Tensor4D;
      if (i > 0 && i < this.d.length - 1) h = instanceNorm(h);
      if (i < this.d.length - 1) h = tf.leakyRelu(h, 0.2);
    });
    return h;
  }

  dispose(): void {
    for (const v of [...this.gParams.values(), ...this.dParams.values()]) v.dispose();
  }
}
