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
  it('both see result-changing keys', () => {
    expect(groupKey(cfg('model.nz=2'))).not.toBe(groupKey(cfg('model.nz=8')));
    expect(configHash(cfg('data.seed=1'))).not.toBe(configHash(cfg('data.seed=2')));
    expect(configHash(cfg())).toMatch(/^[0-9a-f]{16}$/);
  });
});
