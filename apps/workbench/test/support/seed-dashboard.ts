// A realistic tracking database for the dashboard tests, written through the real tracking API:
// a sweep (2 methods × 2 seeds) with metric series, image grids rendered from the real shapes test
// split, eval results, realism judgments and a real (tiny) checkpoint; plus a running run, a
// failed run with a reason, a crashed run, and a run whose name, tags and config carry HTML.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { currentBackend, initBackend } from '@workbench/backend';
import { composeConfig } from '@workbench/config';
import { createDataset, renderImageGrid, type DataConfig, type FloatImage } from '@workbench/data';
import { EVAL_METRICS } from '@workbench/metrics';
import { buildNetworks, type ModelOptions } from '@workbench/models';
import { writeSafetensors, type StateDict } from '@workbench/torch-io';
import { checkpointPath, openStore, RUN_FILES, trainGridPath, type TrackingStore } from '@workbench/tracking';
import { defined } from './defined.ts';

export const XSS_NAME = '<img src=x onerror=window.__xss=1>';

export interface SeededDashboard {
  dir: string;
  dbPath: string;
  store: TrackingStore;
  sweepId: string;
  /** The four sweep runs: bicyclegan s0, s1, cvae_gan s0, s1 (bicyclegan s0 has a checkpoint). */
  sweepRunIds: string[];
  checkpointRunId: string;
  runningRunId: string;
  failedRunId: string;
  crashedRunId: string;
  xssRunId: string;
}

const LOSS_KEYS = ['loss_G_GAN', 'loss_G_L1', 'loss_D', 'loss_kl', 'loss_z_L1'] as const;

function resolved(overrides: string[]): Record<string, unknown> {
  return composeConfig({ overrides: ['data=shapes', 'model=small', 'model.ngf=8', 'model.ndf=8', 'model.nef=8', 'data.test_size=8', 'data.train_size=16', ...overrides] }).config as unknown as Record<string, unknown>;
}

/** A smooth decaying curve with seeded noise, like a GAN loss. */
function curve(key: string, step: number, seed: number, methodShift: number): number {
  const base = { loss_G_GAN: 0.9, loss_G_L1: 3.2, loss_D: 0.6, loss_kl: 1.5, loss_z_L1: 0.8 }[key] ?? 1;
  const noise = Math.sin(step * 0.37 + seed * 13.1) * 0.06 + Math.sin(step * 0.053 + seed) * 0.04;
  return base * (0.35 + 0.65 * Math.exp(-step / (160 + 40 * methodShift))) * (1 + noise) + 0.02 * seed;
}

/** Shift the colours of an image, to stand in for generated samples. */
function tint(img: FloatImage, amount: number): FloatImage {
  const data = new Float32Array(img.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.max(-1, Math.min(1, img.data[i]! + amount * Math.sin(i * 0.7 + amount * 5)));
  return { ...img, data };
}

async function writeGrids(store: TrackingStore, runId: string, runDir: string, data: DataConfig, steps: number[]): Promise<void> {
  const ds = await createDataset(data, 'test');
  const samples = await Promise.all([0, 1, 2].map((i) => ds.get(i)));
  for (const step of steps) {
    const quality = Math.min(1, step / defined(steps.at(-1), 'a grid step'));
    const rows = samples.map((s) => {
      const A: FloatImage = { width: s.width, height: s.height, channels: ds.inputNc, data: s.A };
      const B: FloatImage = { width: s.width, height: s.height, channels: ds.outputNc, data: s.B };
      return [A, B, tint(B, 0.5 * (1 - quality)), tint(B, 0.3 + 0.4 * (1 - quality)), tint(B, -0.35 - 0.3 * (1 - quality))];
    });
    const png = await renderImageGrid(rows, { scale: 2, columnLabels: ['input A', 'real B', 'encoded', 'random z', 'random z'] });
    const rel = trainGridPath(step);
    mkdirSync(path.join(runDir, RUN_FILES.images), { recursive: true });
    writeFileSync(path.join(runDir, rel), png);
    store.addArtifact(runId, { kind: 'train_grid', path: rel, step });
  }
  ds.dispose();
}

/** A real checkpoint folder of the run's (tiny) G and E, as the trainer writes it. */
function writeCheckpoint(runDir: string, config: Record<string, unknown>, step: number): void {
  const data = config.data as DataConfig;
  // Weights at their official initialisation (untrained): outputs are near-grey.
  const opts = { ...(config.model as object), cropSize: data.crop_size, inputNc: data.input_nc, outputNc: data.output_nc } as ModelOptions;
  const nets = buildNetworks(opts, { seed: 1, withD2: false });
  const dir = path.join(runDir, checkpointPath(step));
  mkdirSync(dir, { recursive: true });
  for (const [name, net] of [['G', nets.G], ['E', nets.E!]] as const) {
    const dict: StateDict = new Map();
    for (const [key, v] of net.params()) dict.set(key, { shape: v.shape.slice(), data: v.dataSync() as Float32Array });
    writeSafetensors(path.join(dir, `${name}.safetensors`), dict, { format: 'workbench-checkpoint/1', step: String(step) });
  }
  writeFileSync(path.join(dir, RUN_FILES.checkpointState), JSON.stringify({ format: 'workbench-checkpoint/1', step, epoch: 1, batchInEpoch: 0, method: config.method }, null, 2));
  nets.G.dispose();
  nets.E?.dispose();
  nets.D.dispose();
}

export async function seedDashboard(dir: string, opts: { steps?: number; now?: number } = {}): Promise<SeededDashboard> {
  if (!currentBackend()) await initBackend();
  const steps = opts.steps ?? 400;
  const now = opts.now ?? Date.now();
  const dbPath = path.join(dir, 'workbench.db');
  const store = openStore(dbPath, { staleAfterSeconds: 300 });
  const runsDir = path.join(dir, 'runs');

  const sweep = store.createSweep({ id: 'sweep-quick', name: 'quick ablation', grid: { method: ['bicyclegan', 'cvae_gan'], seed: [0, 1] }, overrides: ['+experiment=quick'], status: 'running', at: now - 3_600_000 });
  const jobs = [
    { method: 'bicyclegan', seed: 0 },
    { method: 'bicyclegan', seed: 1 },
    { method: 'cvae_gan', seed: 0 },
    { method: 'cvae_gan', seed: 1 },
  ];
  // recorded running (a job ends from running: JOB_TRANSITIONS)
  store.addSweepJobs(sweep.id, jobs.map((j, index) => ({ jobId: `job-${index}`, index, overrides: [`method=${j.method}`, `seed=${j.seed}`], status: 'running' as const })), now - 3_600_000);

  const sweepRunIds: string[] = [];
  for (const [index, j] of jobs.entries()) {
    const config = resolved([`method=${j.method}`, `seed=${j.seed}`, `name=quick_${j.method}`]);
    const id = `run-${j.method}-s${j.seed}`;
    const runDir = path.join(runsDir, id);
    const startedAt = now - 3_000_000 + index * 60_000;
    store.createRun({
      id, method: j.method, config, sweepId: sweep.id, jobId: `job-${index}`, runDir: path.relative(dir, runDir), at: startedAt,
      command: `npx workbench train method=${j.method} seed=${j.seed} +experiment=quick`, backend: 'wasm', host: 'lab-01', gitCommit: '0123456789abcdef0123', gitDirty: false,
      tags: ['quick', j.method === 'bicyclegan' ? 'baseline' : 'ablation'],
    });
    const points = [];
    for (let step = 0; step <= steps; step += 5) for (const key of LOSS_KEYS) {
      if (key === 'loss_z_L1' && j.method === 'cvae_gan') continue;
      points.push({ key, step, value: curve(key, step, j.seed, j.method === 'bicyclegan' ? 0 : 1), wallTime: startedAt + step * 1000 });
    }
    store.logMetrics(id, points);
    await writeGrids(store, id, runDir, config.data as DataConfig, [100, 200, 300, steps]);
    // Eval results under the metric names `workbench eval` writes (EVAL_METRICS).
    const protocol = { n_inputs: 100, n_samples: 20, pairs: 'consecutive' };
    store.upsertEvalResult(id, { metric: EVAL_METRICS.diversityLpips('0.0'), value: (j.method === 'bicyclegan' ? 0.112 : 0.095) + 0.004 * j.seed, stderr: 0.003, n: 100, details: { ...protocol, lpips_version: '0.0' } });
    store.upsertEvalResult(id, { metric: EVAL_METRICS.diversityL1, value: (j.method === 'bicyclegan' ? 0.21 : 0.17) + 0.01 * j.seed, stderr: 0.004, n: 100, details: protocol });
    store.upsertEvalResult(id, { metric: EVAL_METRICS.reconstructionL1, value: (j.method === 'bicyclegan' ? 0.061 : 0.048) + 0.002 * j.seed, stderr: 0.001, n: 200 });
    store.upsertEvalResult(id, { metric: EVAL_METRICS.modeCoverage, value: (j.method === 'bicyclegan' ? 0.83 : 0.64) - 0.03 * j.seed, stderr: 0.02, n: 100, details: { num_modes: 6, n_samples: 20, ideal: 0.97 } });
    for (let k = 0; k < 12; k++) {
      store.addJudgment({ runId: id, realRef: `test:${k}:B`, fakeRef: `G:test:${k}`, chosen: k % (j.method === 'bicyclegan' ? 3 : 5) === 0 ? 'fake' : 'real', shownMs: 1000, realSide: k % 2 ? 'left' : 'right' });
    }
    store.finishRun(id, 'finished', null, startedAt + (steps + 30) * 1000);
    store.updateSweepJob(sweep.id, `job-${index}`, { status: 'finished', runId: id, attempts: 1 });
    if (index === 0) writeCheckpoint(runDir, config, steps);
    writeFileSync(path.join(runDir, 'train.log'), Array.from({ length: 300 }, (_, k) => `step ${k * 5} loss_G_L1 ${curve('loss_G_L1', k * 5, j.seed, 0).toFixed(4)}`).join('\n') + '\n');
    sweepRunIds.push(id);
  }
  store.updateSweep(sweep.id, { status: 'finished' });

  // A run still training (fresh heartbeat), a failed one, a crashed one (stale heartbeat).
  const runningRunId = 'run-live';
  store.createRun({ id: runningRunId, name: 'live_bicyclegan_nz16', method: 'bicyclegan', config: resolved(['model.nz=16', 'name=live_bicyclegan_nz16']), runDir: 'runs/run-live', at: now - 600_000, tags: ['live'] });
  store.logMetrics(runningRunId, LOSS_KEYS.flatMap((key) => Array.from({ length: 30 }, (_, i) => ({ key, step: i * 5, value: curve(key, i * 5, 3, 0) }))));
  store.heartbeat(runningRunId, now);

  const failedRunId = 'run-failed';
  store.createRun({ id: failedRunId, name: 'clr_gan_lr_high', method: 'clr_gan', config: resolved(['method=clr_gan', 'train.lr=0.02', 'name=clr_gan_lr_high']), at: now - 900_000 });
  store.logMetrics(failedRunId, [{ key: 'loss_G_GAN', step: 0, value: 1.1 }, { key: 'loss_G_GAN', step: 10, value: 7.5 }, { key: 'loss_G_GAN', step: 20, value: NaN }]);
  store.finishRun(failedRunId, 'failed', 'NaN in loss_G_GAN at step 20 (last good checkpoint: none)', now - 880_000);

  const crashedRunId = 'run-crashed';
  store.createRun({ id: crashedRunId, name: 'pix2pix_noise_s0', method: 'pix2pix_noise', config: resolved(['method=pix2pix_noise', 'name=pix2pix_noise_s0']), at: now - 7_200_000 });
  store.heartbeat(crashedRunId, now - 7_000_000);

  const xssRunId = 'run-xss';
  store.createRun({
    id: xssRunId, name: XSS_NAME, method: 'bicyclegan', config: resolved(['name=x', 'model.nz=4']),
    tags: ['<b>bold</b>', '"><script>window.__xss=2</script>'], notes: '<svg onload=window.__xss=3>', at: now - 1_200_000,
  });
  store.logMetrics(xssRunId, [{ key: '<i>loss</i>', step: 0, value: 1 }, { key: '<i>loss</i>', step: 10, value: 0.5 }]);
  store.finishRun(xssRunId, 'finished', null, now - 1_100_000);

  return { dir, dbPath, store, sweepId: sweep.id, sweepRunIds, checkpointRunId: defined(sweepRunIds[0], 'a sweep run'), runningRunId, failedRunId, crashedRunId, xssRunId };
}
