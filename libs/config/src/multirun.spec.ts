import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandMultirun, jobId, planMultirun } from './multirun.js';

let dir: string;
const files: Record<string, string> = {
  'config.yaml': 'defaults:\n  - data: small\n',
  'data/small.yaml': 'crop_size: 32\n',
  'data/big.yaml': 'crop_size: 64\n',
  'grid.yaml': '# @package _global_\nsweep:\n  seeds: 2\n  params:\n    model.nz: [2, 8]\n    model.encoder: resnet,cnn\n',
  'ranged.yaml': '# @package _global_\nseed: 10\nsweep:\n  seeds: 3\n  params:\n    train.lr: range(1,3)\n',
};
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'config-multirun-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = (...o: string[]) => planMultirun(o, { experimentsDir: dir, env: {} });

describe('multirun', () => {
  it('expands the cartesian product of command-line sweeps, row-major', () => {
    const jobs = expandMultirun(['model.nz=2,8,256', 'seed=1,2,3'], { experimentsDir: dir, env: {} });
    expect(jobs).toHaveLength(9);
    expect(jobs[0]).toEqual(['model.nz=2', 'seed=1']);
    expect(jobs[1]).toEqual(['model.nz=2', 'seed=2']);
    expect(jobs[8]).toEqual(['model.nz=256', 'seed=3']);
  });

  it('keeps fixed overrides in every job and composes each job', () => {
    const p = plan('train.iters=5', 'seed=range(0,2)', 'data=small,big');
    expect(p.jobs).toHaveLength(4);
    expect(p.jobs.every((j) => j.overrides[0] === 'train.iters=5')).toBe(true);
    expect(p.jobs.map((j) => j.composed.config.data.crop_size)).toEqual([32, 64, 32, 64]);
    expect(p.grid).toEqual({ seed: [0, 1], data: ['small', 'big'] });
  });

  it('gives stable ids: the same overrides in any order, different jobs differ', () => {
    const a = plan('model.nz=2,8', 'seed=1,2').jobs;
    const b = plan('seed=1,2', 'model.nz=2,8').jobs;
    expect(new Set(a.map((j) => j.id))).toEqual(new Set(b.map((j) => j.id)));
    expect(new Set(a.map((j) => j.id)).size).toBe(4);
    expect(jobId(['model.nz=2', 'seed=1'])).toBe(jobId(['seed=1', 'model.nz=2']));
    expect(jobId(['model.nz=2', 'seed=1'])).toBe(jobId(['model.nz=02', 'seed=1']));
    expect(jobId(['model.nz=2', 'seed=1'])).toMatch(/^j[0-9a-f]{10}$/);
    for (const job of a) expect(job.id).toBe(jobId(job.overrides));
  });

  it('keeps the literal of a text axis: name=007,7 is two jobs named 007 and 7 (issue 13)', () => {
    const p = plan('name=007,7,2726e66454');
    expect(p.grid).toEqual({ name: ['007', '7', '2726e66454'] });
    expect(p.jobs.map((j) => j.composed.config.name)).toEqual(['007', '7', '2726e66454']);
    expect(p.jobs.map((j) => plan(...j.overrides).jobs[0]?.composed.config.name)).toEqual(['007', '7', '2726e66454']);
  });

  it('drops duplicate jobs', () => {
    expect(plan('seed=1,1,2').jobs).toHaveLength(2);
  });

  it('reads axes and a seed axis from the experiment', () => {
    const p = plan('+experiment=grid');
    expect(p.jobs).toHaveLength(8);
    expect(p.grid).toEqual({ 'model.nz': [2, 8], 'model.encoder': ['resnet', 'cnn'], seed: [0, 1] });
    expect(p.jobs[0]?.overrides).toEqual(['+experiment=grid', 'model.nz=2', 'model.encoder=resnet', 'seed=0']);
    expect(p.jobs[7]?.axes).toEqual({ 'model.nz': 8, 'model.encoder': 'cnn', seed: 1 });
    expect(p.jobs[7]?.composed.config.model.encoder).toBe('cnn');
  });

  it('lets the command line override or replace experiment axes', () => {
    expect(plan('+experiment=grid', 'model.nz=4').jobs).toHaveLength(4); // fixed value: axis gone
    expect(plan('+experiment=grid', 'model.nz=1,2,3').jobs).toHaveLength(12);
    expect(plan('+experiment=grid', 'sweep.seeds=5').jobs).toHaveLength(20);
    expect(plan('+experiment=grid', 'sweep.seeds=0').jobs).toHaveLength(4);
    expect(plan('+experiment=grid', 'seed=7').jobs.every((j) => j.composed.config.seed === 7)).toBe(true);
  });

  it('starts the seed axis at the configured seed and supports range() in files', () => {
    const p = plan('+experiment=ranged');
    expect(p.grid).toEqual({ 'train.lr': [1, 2], seed: [10, 11, 12] });
    expect(p.jobs).toHaveLength(6);
  });

  it('fails early when any job is invalid', () => {
    expect(() => plan('model.nz=2,0')).toThrow(/bad value for model.nz: 0/);
  });
});
