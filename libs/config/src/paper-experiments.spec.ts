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

  it('quick: a small sweep on shapes', () => {
    const p = plan('+experiment=quick');
    expect(p.jobs.length).toBeGreaterThanOrEqual(2);
    expect(p.jobs.length).toBeLessThanOrEqual(6);
    for (const j of p.jobs) expect(j.composed.config.data.dataset).toBe('shapes');
  });
});
