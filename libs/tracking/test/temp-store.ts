// Real SQLite files in a fresh temp folder per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/open-store.js';
import type { StoreOptions, TrackingStore } from '../src/tracking-store.js';

export interface TempStore {
  dir: string;
  path: string;
  store: TrackingStore;
  cleanup(): void;
}

export function tempStore(opts?: StoreOptions): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'wb-tracking-'));
  const path = join(dir, 'workbench.db');
  const store = openStore(path, opts);
  return {
    dir,
    path,
    store,
    cleanup() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small resolved-config-like object. */
export function sampleConfig(over: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, any> = {
    name: '',
    seed: 0,
    method: 'bicyclegan',
    data: { dataset: 'shapes', crop_size: 32 },
    model: { nz: 8, ngf: 8, use_dropout: true },
    loss: { lambda_kl: 0.01 },
    train: { iters: 200, runs_dir: 'runs' },
    tracking: { db: 'workbench.db' },
  };
  for (const [k, v] of Object.entries(over)) {
    const parts = k.split('.');
    let o = base;
    for (const p of parts.slice(0, -1)) o = o[p] ??= {};
    const leaf = parts.at(-1);
    if (leaf === undefined) throw new Error(`empty config key '${k}'`);
    o[leaf] = v;
  }
  return base;
}
