// The shipped experiments/ folder: the paper grids have the sizes the issue asks for, and the
// two scales hold the settings they promise.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { composeConfig } from './compose.js';
import { listExperiments } from './config-files.js';
import { planMultirun } from './multirun.js';

const experimentsDir = fileURLToPath(new URL('../../../experiments', import.meta.url));
const plan = (...o: string[]) => planMultirun(o, { experimentsDir, env: {} });

describe('paper experiments', () => {
  it('are listed', () => {
    expect(listExperiments(experimentsDir)).toEqual(expect.arrayContaining(['paper/encoder_injection', 'paper/latent_size', 'paper/methods', 'quick']));
  });

  it('encoder_injection: encoder x where_add x 3 seeds = 12 jobs', () => {
    const p = plan('+experiment=paper/encoder_injection');
    expect(p.jobs).toHaveLength(12);
    expect(p.grid).toEqual({ 'model.encoder': ['resnet', 'cnn'], 'model.where_add': ['input', 'all'], seed: [0, 1, 2] });
    expect(new Set(p.jobs.map((j) => j.id)).size).toBe(12);
    expect(new Set(p.jobs.map((j) => j.composed.config.name)).size).toBe(12);
  });

  it('latent_size: nz {2, 8, 256} x 3 seeds = 9 jobs', () => {
    const p = plan('+experiment=paper/latent_size');
    expect(p.jobs).toHaveLength(9);
    expect(p.jobs.map((j) => j.composed.config.model.nz)).toEqual([2, 2, 2, 8, 8, 8, 256, 256, 256]);
  });

  it('methods: the six methods x 3 seeds = 18 jobs', () => {
    const p = plan('+experiment=paper/methods');
    expect(p.jobs).toHaveLength(18);
    expect(new Set(p.jobs.map((j) => j.composed.config.method))).toEqual(
      new Set(['bicyclegan', 'cvae_gan', 'cvae_gan_pp', 'clr_gan', 'cae_gan', 'pix2pix_noise']),
    );
  });

  it('seed count is one override', () => {
    expect(plan('+experiment=paper/latent_size', 'sweep.seeds=1').jobs).toHaveLength(3);
  });

  it('scale=cpu (default) is small; scale=full is the official setting', () => {
    const cpu = composeConfig({ overrides: ['+experiment=paper/methods'], experimentsDir, env: {} }).config;
    expect(cpu.data.dataset).toBe('shapes');
    expect(cpu.data.crop_size).toBeLessThanOrEqual(64);
    expect(cpu.model.ngf).toBeLessThanOrEqual(32);
    expect(cpu.train.iters).toBeGreaterThan(0);
    for (const e of ['paper/encoder_injection', 'paper/latent_size', 'paper/methods']) {
      const full = composeConfig({ overrides: [`+experiment=${e}`, 'scale=full'], experimentsDir, env: {} }).config;
      expect(full.data).toMatchObject({ dataset: 'aligned', crop_size: 256, direction: 'BtoA' });
      expect(full.model).toMatchObject({ ngf: 64, ndf: 64, nef: 64, nz: e === 'paper/latent_size' ? 8 : 8, use_dropout: true });
      expect(full.train).toMatchObject({ niter: 200, niter_decay: 200, iters: 0, batch_size: 2, lr: 0.0002 });
    }
  });

  it('scale=cpu with a data preset takes the preset\'s CPU resolution; alone it is the shapes setting (cpu_scale/shapes)', () => {
    const compose = (...o: string[]) => composeConfig({ overrides: o, experimentsDir, env: {} });
    const shapes = compose('scale=cpu');
    expect(shapes.config.data).toMatchObject({ dataset: 'shapes', crop_size: 32, load_size: 32 });
    expect(shapes.config.model).toMatchObject({ ngf: 16, ndf: 16, nef: 16 });
    expect(shapes.config.train).toMatchObject({ iters: 3000, batch_size: 8 });
    expect(shapes.sources.files).toEqual([
      'experiments/data/shapes.yaml', 'experiments/method/bicyclegan.yaml', 'experiments/launcher/local.yaml', 'experiments/config.yaml',
      'experiments/model/small.yaml', 'experiments/train/cpu.yaml', 'experiments/cpu_scale/shapes.yaml', 'experiments/scale/cpu.yaml',
    ]);
    const sizes: Record<string, [number, number, 1 | 3, 'AtoB' | 'BtoA']> = {
      facades: [72, 64, 3, 'BtoA'],
      edges2shoes: [64, 64, 1, 'AtoB'],
      edges2handbags: [64, 64, 1, 'AtoB'],
      maps: [150, 64, 3, 'BtoA'],
      night2day: [72, 64, 3, 'AtoB'],
      folder: [72, 64, 3, 'AtoB'],
    };
    for (const [preset, [load, crop, inputNc, direction]] of Object.entries(sizes)) {
      // either order on the command line, and inside a paper experiment
      for (const o of [[`data=${preset}`, 'scale=cpu'], ['scale=cpu', `data=${preset}`], ['+experiment=paper/methods', `data=${preset}`]]) {
        const { config, sources } = compose(...o);
        expect(config.data, `${o.join(' ')}`).toMatchObject({ dataset: 'aligned', load_size: load, crop_size: crop, input_nc: inputNc, direction });
        expect(config.model).toMatchObject({ ngf: 16, ndf: 16, nef: 16 });
        expect(config.train).toMatchObject({ iters: 3000, batch_size: 8, lr: 0.0002 }); // the lr study was on shapes only
        expect(sources.groups.cpu_scale).toBe(preset);
      }
      // the official scale keeps the official sizes
      expect(compose(`data=${preset}`, 'scale=full').config.data.crop_size).toBe(256);
    }
  });

  it('shapes at scale=cpu and the quick experiment train at lr 1e-3 (docs/studies/learning-speed.md)', () => {
    const compose = (...o: string[]) => composeConfig({ overrides: o, experimentsDir, env: {} });
    for (const o of [['scale=cpu'], ['+experiment=paper/methods'], ['+experiment=paper/latent_size']]) {
      const { config, sources } = compose(...o);
      expect(sources.groups.cpu_scale, o.join(' ')).toBe('shapes');
      expect(config.train).toMatchObject({ iters: 3000, batch_size: 8, lr: 0.001 });
    }
    expect(compose('+experiment=quick').config.train).toMatchObject({ iters: 2000, batch_size: 8, lr: 0.001 });
    expect(compose('scale=full').config.train.lr).toBe(0.0002);
  });

  it('quick: a small sweep on shapes', () => {
    const p = plan('+experiment=quick');
    expect(p.jobs.length).toBeGreaterThanOrEqual(2);
    expect(p.jobs.length).toBeLessThanOrEqual(6);
    for (const j of p.jobs) expect(j.composed.config.data.dataset).toBe('shapes');
  });
});
