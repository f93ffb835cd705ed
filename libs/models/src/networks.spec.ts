// Shapes at every supported resolution, the variants (bilinear, batch norm, conditional_D,
// dropout), option errors and tensor hygiene.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@workbench/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_OPTIONS, type ModelOptions } from './model-options.js';
import { buildNetworks, ModelOptionsError, outputShapes } from './registry.js';

const tiny: ModelOptions = { ...DEFAULT_MODEL_OPTIONS, ngf: 4, nef: 4, ndf: 4, nz: 3 };

beforeAll(async () => {
  await initBackend({ force: 'wasm' });
});

function run(o: ModelOptions, training = false) {
  const n = buildNetworks(o, { seed: 2 });
  const before = tf.memory().numTensors;
  try {
    return tf.tidy(() => {
      const a = tf.randomUniform([2, o.cropSize, o.cropSize, o.inputNc], -1, 1, 'float32', 7) as tf.Tensor4D;
      const b = tf.randomUniform([2, o.cropSize, o.cropSize, o.outputNc], -1, 1, 'float32', 8) as tf.Tensor4D;
      const z = tf.randomNormal([2, o.nz], 0, 1, 'float32', 9) as tf.Tensor2D;
      const fake = n.G.apply(a, z, { training, dropoutSeed: 11 });
      const { mu, logvar } = n.E!.apply(b);
      const dIn = o.conditional_D ? tf.concat([a, fake], 3) : fake;
      const d = n.D.apply(dIn as tf.Tensor4D);
      const shapes = { G: fake.shape, E: { mu: mu.shape, logvar: logvar.shape }, D: d.map((t) => t.shape) };
      const range = [tf.min(fake).dataSync()[0], tf.max(fake).dataSync()[0]];
      return { shapes, range, numParams: n.G.numParams() };
    });
  } finally {
    expect(tf.memory().numTensors).toBe(before);
    for (const net of Object.values(n)) net?.dispose();
  }
}

describe('networks at every resolution', () => {
  for (const crop of [32, 64, 128]) {
    for (const encoder of ['resnet', 'cnn'] as const) {
      for (const whereAdd of ['input', 'all'] as const) {
        it(`${crop} px, ${encoder}, ${whereAdd}: output shapes as predicted, G in (-1, 1)`, () => {
          const o = { ...tiny, cropSize: crop, encoder, where_add: whereAdd };
          const r = run(o);
          expect(r.shapes).toEqual(outputShapes(o, 2));
          expect(r.range[0]).toBeGreaterThan(-1);
          expect(r.range[1]).toBeLessThan(1);
        });
      }
    }
  }

  it('predicts the official 256 px D maps (30×30 and 14×14) and 128 px (30×30, 14×14)', () => {
    expect(outputShapes(DEFAULT_MODEL_OPTIONS).D).toEqual([[1, 30, 30, 1], [1, 14, 14, 1]]);
    expect(outputShapes({ ...DEFAULT_MODEL_OPTIONS, cropSize: 128 }).D).toEqual([[1, 30, 30, 1], [1, 14, 14, 1]]);
    expect(outputShapes({ ...DEFAULT_MODEL_OPTIONS, cropSize: 32, num_Ds: 3 }).D).toEqual([[1, 6, 6, 1], [1, 2, 2, 1], [1, 0, 0, 1]]);
  });
});

describe('variants', () => {
  it('bilinear upsampling, batch norm, conditional_D, input_nc 1, num_Ds 1 and 3 run', () => {
    for (const o of [
      { ...tiny, cropSize: 32, upsample: 'bilinear' as const },
      { ...tiny, cropSize: 32, norm: 'batch' as const },
      { ...tiny, cropSize: 32, norm: 'none' as const },
      { ...tiny, cropSize: 32, conditional_D: true },
      { ...tiny, cropSize: 32, inputNc: 1 },
      { ...tiny, cropSize: 64, num_Ds: 1 },
      { ...tiny, cropSize: 64, num_Ds: 3 },
    ]) {
      expect(run(o).shapes).toEqual(outputShapes(o, 2));
    }
  });

  it('dropout is active in training only and follows its seed', () => {
    const o = { ...tiny, cropSize: 64, use_dropout: true };
    const n = buildNetworks(o, { seed: 1 });
    tf.tidy(() => {
      const a = tf.randomUniform([1, 64, 64, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
      const z = tf.randomNormal([1, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
      const diff = (x: tf.Tensor, y: tf.Tensor) => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0];
      expect(diff(n.G.apply(a, z), n.G.apply(a, z))).toBe(0);
      expect(diff(n.G.apply(a, z, { training: true, dropoutSeed: 1 }), n.G.apply(a, z, { training: true, dropoutSeed: 1 }))).toBe(0);
      expect(diff(n.G.apply(a, z, { training: true, dropoutSeed: 1 }), n.G.apply(a, z, { training: true, dropoutSeed: 2 }))).toBeGreaterThan(0);
    });
    for (const net of Object.values(n)) net?.dispose();
  });

  it('batch norm: training uses batch statistics and updates the running stats; eval uses them', () => {
    const o = { ...tiny, cropSize: 32, norm: 'batch' as const };
    const n = buildNetworks(o, { seed: 1 });
    const key = 'model_0.3.running_mean';
    const mean = n.D.buffers().get(key)!;
    expect([...n.D.buffers().keys()]).toContain('model_0.3.running_var');
    expect(mean.dataSync().every((v) => v === 0)).toBe(true);
    tf.tidy(() => {
      const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
      const firstScale = (outs: tf.Tensor4D[]) => {
        const [out] = outs;
        if (!out) throw new Error('D gave no patch map');
        return out.dataSync();
      };
      const evalOut = firstScale(n.D.apply(x));
      n.D.apply(x, { training: true });
      expect(mean.dataSync().some((v) => v !== 0)).toBe(true);
      const evalAfter = firstScale(n.D.apply(x));
      expect(evalAfter.some((v, i) => v !== evalOut[i])).toBe(true);
    });
    for (const net of Object.values(n)) net?.dispose();
  });

  it('weights follow the official init: xavier normal gain 0.02, zero biases, seeded', () => {
    const a = buildNetworks({ ...tiny, cropSize: 32 }, { seed: 4 });
    const b = buildNetworks({ ...tiny, cropSize: 32 }, { seed: 4 });
    const w = a.D.params().get('model_0.0.weight')!; // [4,4,3,4]: fan_in 48, fan_out 64
    const vals = Array.from(w.dataSync());
    const std = Math.sqrt(vals.reduce((s, v) => s + v * v, 0) / vals.length);
    expect(std).toBeGreaterThan(0.02 * Math.sqrt(2 / 112) * 0.8);
    expect(std).toBeLessThan(0.02 * Math.sqrt(2 / 112) * 1.2);
    expect(a.D.params().get('model_0.0.bias')!.dataSync().every((v) => v === 0)).toBe(true);
    expect([...b.D.params().get('model_0.0.weight')!.dataSync()]).toEqual([...vals]);
    for (const n of [a, b]) for (const net of Object.values(n)) net?.dispose();
  });
});

describe('gradients on wasm through every layer kind', () => {
  it('bilinear + batch norm + add_input + cnn encoder: every G, E and D parameter gets a gradient', () => {
    const o = { ...tiny, cropSize: 32, upsample: 'bilinear' as const, norm: 'batch' as const, where_add: 'input' as const, encoder: 'cnn' as const };
    const n = buildNetworks(o, { seed: 1 });
    const a = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const z = tf.randomNormal([2, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
    const vars = [...n.G.params().values(), ...n.E!.params().values(), ...n.D.params().values()];
    const { value, grads } = tf.variableGrads(() => {
      const fake = n.G.apply(a, z, { training: true });
      const { mu, logvar } = n.E!.apply(fake, { training: true });
      const d = n.D.apply(fake, { training: true }).map((t) => tf.mean(tf.square(t)));
      return tf.addN([...d, tf.mean(tf.abs(mu)), tf.mean(tf.abs(logvar))]) as tf.Scalar;
    }, vars);
    expect(Object.keys(grads).length).toBe(vars.length);
    for (const g of Object.values(grads)) expect(Number.isFinite(g.sum().dataSync()[0])).toBe(true);
    tf.dispose([value, a, z, ...Object.values(grads)]);
    for (const net of Object.values(n)) net?.dispose();
  });
});

describe('option errors', () => {
  it('fail loudly on unknown names and impossible sizes', () => {
    expect(() => buildNetworks({ ...tiny, encoder: 'vgg' as 'cnn' })).toThrow(ModelOptionsError);
    expect(() => buildNetworks({ ...tiny, encoder: 'vgg' as 'cnn' })).toThrow(/unknown model\.encoder 'vgg': use one of resnet, cnn/);
    expect(() => buildNetworks({ ...tiny, where_add: 'middle' as 'all' })).toThrow(/unknown model\.where_add 'middle'/);
    expect(() => buildNetworks({ ...tiny, cropSize: 100 })).toThrow(/crop_size must be a power of two ≥ 32/);
    expect(() => buildNetworks({ ...tiny, nz: 0 })).toThrow(/model\.nz must be an integer ≥ 1/);
  });

  it('networks refuse inputs of the wrong size', () => {
    const n = buildNetworks({ ...tiny, cropSize: 32 }, { seed: 1 });
    expect(() => n.G.apply(tf.zeros([1, 64, 64, 3]), tf.zeros([1, 3]))).toThrow(/G was built for 32×32 images/);
    expect(() => n.G.apply(tf.zeros([1, 32, 32, 3]), tf.zeros([1, 2]))).toThrow(/G expects z of shape \[N,3\]/);
    expect(() => n.E!.apply(tf.zeros([1, 64, 64, 3]))).toThrow(/E was built for 32×32/);
    expect(() => n.D.apply(tf.zeros([1, 32, 32, 6]))).toThrow(/D expects 3 channels, got 6/);
    for (const net of Object.values(n)) net?.dispose();
  });

  it('a shape-only build counts but cannot run', () => {
    const n = buildNetworks(DEFAULT_MODEL_OPTIONS, { allocate: false });
    expect(n.G.numParams()).toBe(54_794_627);
    expect(n.G.params().size).toBe(0);
    expect(() => n.D.apply(tf.zeros([1, 256, 256, 3]))).toThrow(/built shape-only/);
  });
});

describe('building and disposing networks', () => {
  it('holds exactly one tensor per variable, and dispose frees them all', () => {
    const before = tf.memory().numTensors;
    const n = buildNetworks(tiny, { seed: 3 });
    const nets = Object.values(n).filter((x) => x !== undefined);
    const variables = nets.reduce((sum, net) => sum + net.params().size + (net.buffers?.().size ?? 0), 0);
    expect(tf.memory().numTensors - before).toBe(variables);
    for (const net of nets) net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
