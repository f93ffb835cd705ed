import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { composeConfig } from './compose.js';
import { configHash, groupKey } from './config-hash.js';

const experimentsDir = fileURLToPath(new URL('../../../experiments', import.meta.url));
const cfg = (...o: string[]) => composeConfig({ overrides: o, experimentsDir, env: {} }).config;

describe('configHash / groupKey', () => {
  it('ignore bookkeeping keys', () => {
    const a = cfg();
    const b = cfg('name=x', 'tracking.db=o.db', 'sweep.id=s1', 'sweep.job=j', 'launcher.jobs=3', 'backend=cpu');
    expect(configHash(b)).toBe(configHash(a));
    expect(groupKey(b)).toBe(groupKey(a));
  });
  it('configHash sees the seed, groupKey does not', () => {
    expect(configHash(cfg('seed=1'))).not.toBe(configHash(cfg('seed=2')));
    expect(groupKey(cfg('seed=1'))).toBe(groupKey(cfg('seed=2')));
  });
  it('keeps the hashes stored in existing databases: a known stored config hashes as it always did', () => {
    // A run's config as the store keeps it (plain JSON). Changing these values re-groups every
    // recorded run: the hash is part of the database format.
    const stored = {
      method: 'bicyclegan', seed: 3, name: 'paper-nz8', backend: 'wasm',
      model: { nz: 8, ngf: 64, where_add: 'all' },
      train: { lr: 0.0002, runs_dir: '/x/runs', eval_every: 0, niter: 30 },
      sweep: { id: 'sw-1', job: 'j0' }, tracking: { db: 'w.db' }, data: { dataset: 'shapes', seed: 0 },
    };
    expect([configHash(stored), groupKey(stored)]).toEqual(['3d0d063e73eae125', 'a2a5d849bf43adbc']);
    // Key order does not matter.
    expect(configHash({ x: 1, y: { b: 2, a: 1 } })).toBe(configHash({ y: { a: 1, b: 2 }, x: 1 }));
  });
  it('both see result-changing keys', () => {
    expect(groupKey(cfg('model.nz=2'))).not.toBe(groupKey(cfg('model.nz=8')));
    expect(configHash(cfg('data.seed=1'))).not.toBe(configHash(cfg('data.seed=2')));
    expect(configHash(cfg())).toMatch(/^[0-9a-f]{16}$/);
  });
});
