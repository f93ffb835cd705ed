import { configHash as configLibHash, groupKey as configLibGroupKey, type ResolvedConfig } from '@workbench/config';
import { describe, expect, it } from 'vitest';
import { sampleConfig } from '../test/temp-store.js';
import { configHash, groupKey } from './config-hash.js';

describe('config identity', () => {
  it('ignores bookkeeping in configHash and also the seed in groupKey', () => {
    const a = sampleConfig({ seed: 1, name: 'a', 'sweep.id': 's1', 'sweep.job': 'j1', 'tracking.db': 'x.db' });
    const b = sampleConfig({ seed: 1, name: 'b', 'sweep.id': 's2', 'sweep.job': 'j7', 'train.runs_dir': '/elsewhere' });
    const c = sampleConfig({ seed: 2 });
    const d = sampleConfig({ seed: 1, 'model.nz': 16 });
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(a)).not.toBe(configHash(c));
    expect(groupKey(a)).toBe(groupKey(c));
    expect(groupKey(a)).not.toBe(groupKey(d));
    // Key order does not matter.
    expect(configHash({ x: 1, y: { b: 2, a: 1 } })).toBe(configHash({ y: { a: 1, b: 2 }, x: 1 }));
  });

  it('agrees with @workbench/config (the CLI may compute either)', () => {
    for (const cfg of [sampleConfig(), sampleConfig({ seed: 5, 'sweep.id': 'x', 'model.nz': 2 })]) {
      expect(configHash(cfg)).toBe(configLibHash(cfg as unknown as ResolvedConfig));
      expect(groupKey(cfg)).toBe(configLibGroupKey(cfg as unknown as ResolvedConfig));
    }
  });
});
