// Each method's loss and gradient switches, checked on tiny real networks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@workbench/backend';
import { bicycleStep, type StepConfig } from './bicycle-step.js';
import { buildMethodNetworks, buildOptimizers } from './build-networks.js';
import { Rng } from '@workbench/random';
import { lossKeys, METHOD_NAMES, METHODS, methodSpec, type MethodName, type NetName } from './methods.js';

beforeAll(async () => {
  await initBackend({ force: 'wasm' });
});

const MODEL = {
  model: { encoder: 'cnn' as const, where_add: 'all' as const, nz: 4, ngf: 4, ndf: 4, nef: 4, norm: 'instance' as const, upsample: 'basic' as const, use_dropout: false, num_Ds: 2, conditional_D: false },
  data: { crop_size: 32, input_nc: 3, output_nc: 3 },
};
const LAMBDAS = { lambda_L1: 10, lambda_kl: 0.01, lambda_z: 0.5, lambda_GAN: 1, lambda_GAN2: 1 };

interface Probe {
  losses: Record<string, number>;
  /** Σ|grad| per network, as applied by its optimizer. */
  gradL1: Map<NetName, number>;
  grads: Map<NetName, Map<string, Float32Array>>;
  noiseCalls: string[];
  nets: NetName[];
  /** Σ|Δθ| per network over the step. */
  moved: Map<NetName, number>;
}

function probe(method: MethodName): Probe {
  const spec = METHODS[method];
  const nets = buildMethodNetworks(spec, MODEL, 3);
  const opts = buildOptimizers(nets, { lr: 2e-4, beta1: 0.5, beta2: 0.999 });
  const netNames = (['G', 'E', 'D', 'D2'] as const).filter((n) => nets[n] !== undefined);
  const before = new Map(netNames.map((n) => [n, [...nets[n]!.params().values()].map((v) => v.dataSync().slice())]));
  const A = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
  const B = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
  const rng = new Rng(5);
  const noiseCalls: string[] = [];
  const cfg: StepConfig = { spec, nz: 4, lambdas: LAMBDAS, ganMode: 'lsgan', conditionalD: false, training: true };
  const gradL1 = new Map<NetName, number>();
  const grads = new Map<NetName, Map<string, Float32Array>>();
  const res = bicycleStep(
    nets,
    opts,
    cfg,
    { A, B },
    (kind, n, nz) => {
      noiseCalls.push(`${kind}[${n}x${nz}]`);
      return rng.normals(n * nz);
    },
    {
      grads: (net, g) => {
        grads.set(net, new Map([...g].map(([k, v]) => [k, v.dataSync() as Float32Array])));
        gradL1.set(net, [...g.values()].reduce((s, v) => s + tf.tidy(() => v.abs().sum().dataSync()[0]!), 0));
      },
    },
  );
  const moved = new Map(
    netNames.map((n) => {
      const now = [...nets[n]!.params().values()].map((v) => v.dataSync());
      let d = 0;
      now.forEach((arr, i) => arr.forEach((x, j) => (d += Math.abs(x - before.get(n)![i]![j]!))));
      return [n, d];
    }),
  );
  tf.dispose([A, B]);
  for (const o of Object.values(opts)) o.dispose();
  nets.dispose();
  return { losses: res.losses as Record<string, number>, gradL1, grads, noiseCalls, nets: netNames, moved };
}

const results = new Map<MethodName, Probe>();
const get = (m: MethodName): Probe => {
  if (!results.has(m)) results.set(m, probe(m));
  return results.get(m)!;
};

describe('method specs', () => {
  it.each(METHOD_NAMES)('%s: logs exactly its loss terms, builds its networks, trains each of them', (m) => {
    const spec = METHODS[m];
    const p = get(m);
    expect(Object.keys(p.losses).sort()).toEqual([...lossKeys(spec)].sort());
    for (const v of Object.values(p.losses)) expect(Number.isFinite(v)).toBe(true);
    expect([...p.nets].sort()).toEqual([...spec.networks].sort());
    for (const n of p.nets) {
      expect(p.gradL1.get(n) ?? 0, `${m}: gradient of ${n}`).toBeGreaterThan(0);
      expect(p.moved.get(n), `${m}: ${n} updated`).toBeGreaterThan(0);
    }
  });

  it('draws noise in the official order: eps (reparameterisation) then z_random', () => {
    expect(get('bicyclegan').noiseCalls).toEqual(['eps[1x4]', 'z_random[1x4]']);
    expect(get('cvae_gan_pp').noiseCalls).toEqual(['eps[1x4]', 'z_random[1x4]']);
    // single-branch methods use the whole batch
    expect(get('cvae_gan').noiseCalls).toEqual(['eps[2x4]']);
    expect(get('clr_gan').noiseCalls).toEqual(['z_random[2x4]']);
    expect(get('pix2pix_noise').noiseCalls).toEqual(['z_random[2x4]']);
    // cAE-GAN: z = mean of E(B), no sampling
    expect(get('cae_gan').noiseCalls).toEqual([]);
  });

  it('bicyclegan: z_L1 reaches G but not E (E grads equal those of cvae_gan_pp, which has no z_L1)', () => {
    const bic = get('bicyclegan');
    const pp = get('cvae_gan_pp');
    // same seed, weights, batch and noise: the two differ only by the z_L1 term
    for (const [k, g] of bic.grads.get('E')!) expect(Array.from(g)).toEqual(Array.from(pp.grads.get('E')!.get(k)!));
    let diff = 0;
    for (const [k, g] of bic.grads.get('G')!) g.forEach((x, i) => (diff += Math.abs(x - pp.grads.get('G')!.get(k)![i]!)));
    expect(diff).toBeGreaterThan(0);
    // and the GAN2/D2 terms are identical
    expect(bic.losses['G_GAN2']).toBe(pp.losses['G_GAN2']);
  });

  it('clr_gan: E is trained by the latent loss alone (the paper), unlike the official z_L1', () => {
    const p = get('clr_gan');
    expect(p.losses['z_L1']).toBeGreaterThan(0);
    expect(p.gradL1.get('E')).toBeGreaterThan(0);
    expect(p.losses['G_L1']).toBeUndefined();
    expect(p.losses['kl']).toBeUndefined();
  });

  it('pix2pix_noise: image L1 on the random branch, no encoder; cae_gan: no KL', () => {
    expect(get('pix2pix_noise').losses['G_L1']).toBeGreaterThan(0);
    expect(get('pix2pix_noise').nets).not.toContain('E');
    expect(get('cae_gan').losses['kl']).toBeUndefined();
    expect(get('cae_gan').losses['G_L1']).toBeGreaterThan(0);
  });

  it('rejects unknown methods and odd batches with a clear message', () => {
    expect(() => methodSpec('bicycle')).toThrow(/unknown method 'bicycle': use one of bicyclegan/);
    const spec = METHODS.bicyclegan;
    const nets = buildMethodNetworks(spec, MODEL, 0);
    const opts = buildOptimizers(nets, { lr: 1e-4, beta1: 0.5, beta2: 0.999 });
    const A = tf.zeros([3, 32, 32, 3]) as tf.Tensor4D;
    const cfg: StepConfig = { spec, nz: 4, lambdas: LAMBDAS, ganMode: 'lsgan', conditionalD: false, training: true };
    expect(() => bicycleStep(nets, opts, cfg, { A, B: A }, () => new Float32Array(12))).toThrow(/batch size 3 is odd/);
    A.dispose();
    for (const o of Object.values(opts)) o.dispose();
    nets.dispose();
  });
});
