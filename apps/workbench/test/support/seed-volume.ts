// A large tracking database written through the tracking API: `runs` runs with `keys` metric series
// of `pointsPerSeries` points each, plus one long run whose series hold `longPoints` points
// (the case server-side downsampling exists for). Used by the volume test and the benchmark.
import { composeConfig } from '@workbench/config';
import { openStore, type TrackingStore } from '@workbench/tracking';
import { defined } from './defined.ts';

export interface VolumeOptions {
  runs: number;
  keys: number;
  pointsPerSeries: number;
  longPoints: number;
}

export interface VolumeSeeded {
  store: TrackingStore;
  longRunId: string;
  totalPoints: number;
  seconds: number;
}

const METHODS = ['bicyclegan', 'cvae_gan', 'clr_gan', 'cae_gan', 'cvae_gan_pp', 'pix2pix_noise'];
const KEYS = ['loss_G_GAN', 'loss_D', 'loss_G_L1', 'loss_kl', 'loss_z_L1', 'loss_D2'];

export function seedVolume(dbPath: string, o: VolumeOptions): VolumeSeeded {
  const t0 = performance.now();
  const store = openStore(dbPath);
  const base = composeConfig({ overrides: ['data=shapes', 'model=small'] }).config as unknown as Record<string, unknown>;
  const now = Date.now();
  const keys = KEYS.slice(0, o.keys);
  let totalPoints = 0;
  const BATCH = 500;
  for (let start = 0; start < o.runs; start += BATCH) {
    store.write(() => {
      for (let i = start; i < Math.min(o.runs, start + BATCH); i++) {
        const method = defined(METHODS[i % METHODS.length], 'a method');
        const nz = [2, 8, 16][Math.floor(i / METHODS.length) % 3];
        // Three seeds per config, as sweeps run them: ~runs/3 groups.
        const seed = Math.floor(i / (METHODS.length * 3)) % 3;
        const lr = 1e-4 * (1 + Math.floor(i / (METHODS.length * 9)));
        const config = { ...base, method, seed, name: `${method}_nz${nz}_${i}`, model: { ...(base.model as object), nz }, train: { ...(base.train as object), lr } };
        const id = `vol-${String(i).padStart(6, '0')}`;
        const at = now - (o.runs - i) * 60_000;
        store.createRun({ id, method, config, at, tags: i % 10 === 0 ? ['tenth'] : [], host: 'bench', pid: 1 });
        const points = [];
        for (const key of keys) for (let p = 0; p < o.pointsPerSeries; p++) points.push({ key, step: p * 10, value: 1 / (1 + p * 0.01) + ((i * 7 + p) % 13) * 0.001, wallTime: at + p * 1000 });
        store.logMetrics(id, points);
        totalPoints += points.length;
        store.finishRun(id, 'finished', null, at + o.pointsPerSeries * 1000);
        store.upsertEvalResult(id, { metric: 'lpips_diversity', value: 0.1 + (i % 17) * 0.001, stderr: 0.003, n: 100 });
      }
    });
  }
  const longRunId = 'vol-long';
  store.createRun({ id: longRunId, method: 'bicyclegan', config: { ...base, name: 'long' }, at: now, host: 'bench', pid: 1 });
  for (const key of keys.slice(0, 2)) {
    for (let s = 0; s < o.longPoints; s += 10_000) {
      const points = [];
      for (let p = s; p < Math.min(o.longPoints, s + 10_000); p++) points.push({ key, step: p, value: Math.exp(-p / 20_000) + (p % 97) * 1e-4, wallTime: now + p });
      store.logMetrics(longRunId, points);
      totalPoints += points.length;
    }
  }
  store.finishRun(longRunId, 'finished', null, now + o.longPoints);
  return { store, longRunId, totalPoints, seconds: (performance.now() - t0) / 1000 };
}
