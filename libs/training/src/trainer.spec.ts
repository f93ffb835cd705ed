// trainRun in-process: a short real run (loss goes down, metrics/images/checkpoints land in
// SQLite and the run folder, tensor count flat), NaN -> failed, stop -> killed, and an exact
// resume (the interrupted-and-resumed run equals the uninterrupted one, step for step).
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ShapesDataset } from '@workbench/data';
import { trainRun } from './trainer.js';
import { useTrainingSandbox } from '../test/training-sandbox.js';

const sandbox = useTrainingSandbox({
  base: ['data=shapes', 'data.train_size=200', 'data.test_size=8', 'model.ngf=8', 'model.ndf=8', 'model.nef=8', 'train.log_every=1'],
});
const { config } = sandbox;

/** A console stream for trainRun's `stream` option, and the text written to it. */
function consoleCapture(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new PassThrough();
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

const series = (runId: string, key: string) => sandbox.store.metricSeries(runId, key, { maxPoints: 100_000 }).points;

describe('trainRun', () => {
  it('trains bicyclegan at 32 px: G_L1 falls, metrics, grids and checkpoints are recorded, tensors stay flat', async () => {
    const counts: number[] = [];
    const res = await trainRun(config('train.iters=80', 'train.display_every=40', 'train.checkpoint_every=40'), {
      store: sandbox.store,
      progress: 'none',
      handleSignals: false,
      onStep: () => counts.push(tf.memory().numTensors),
    });
    expect(res.status).toBe('finished');
    expect(res.step).toBe(80);
    const run = sandbox.store.getRun(res.runId)!;
    expect(run.status).toBe('finished');
    expect(run.method).toBe('bicyclegan');
    expect(run.runDir).toBe(res.runDir);

    // every loss, lr and it/s at every step
    for (const key of ['G_GAN', 'G_GAN2', 'G_L1', 'kl', 'z_L1', 'D', 'D2', 'loss_G', 'lr', 'it_s']) {
      expect(series(res.runId, key).map((p) => p.step)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    }
    const l1 = series(res.runId, 'G_L1').map((p) => p.value);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(l1.slice(0, 16));
    const last = mean(l1.slice(-16));
    expect(last).toBeLessThan(0.8 * first);

    // image grids and checkpoints: files exist and are recorded
    const grids = sandbox.store.listArtifacts(res.runId, { kind: 'train_grid' });
    expect(grids.map((a) => a.step)).toEqual([40, 80]);
    for (const g of grids) expect(readFileSync(join(res.runDir, g.path)).subarray(1, 4).toString()).toBe('PNG');
    expect(sandbox.store.listArtifacts(res.runId, { kind: 'checkpoint' }).map((a) => a.step)).toEqual([40, 80]);
    expect(readdirSync(join(res.runDir, 'checkpoints', 'step-0000080')).sort()).toEqual(
      ['D.safetensors', 'D2.safetensors', 'E.safetensors', 'G.safetensors', 'optimizer.safetensors', 'state.json'].sort(),
    );
    expect(readFileSync(join(res.runDir, 'config.yaml'), 'utf8')).toMatch(/method: bicyclegan/);
    expect(existsSync(join(res.runDir, 'overrides.yaml'))).toBe(true);

    // no tensor leaks: the count after every step is the same
    expect(new Set(counts.slice(2)).size).toBe(1);
  });

  it('keeps the tensor count flat over 200 tiny steps with logging, grids and checkpoints', async () => {
    const counts: number[] = [];
    const res = await trainRun(
      config('model.ngf=4', 'model.ndf=4', 'model.nef=4', 'model.nz=2', 'train.iters=200', 'train.log_every=25', 'train.display_every=100', 'train.checkpoint_every=100'),
      { store: sandbox.store, progress: 'none', handleSignals: false, onStep: () => counts.push(tf.memory().numTensors) },
    );
    expect(res.status).toBe('finished');
    expect(counts).toHaveLength(200);
    expect(Math.max(...counts.slice(2))).toBe(Math.min(...counts.slice(2)));
  });

  it('a NaN loss marks the run failed, names the loss and step, and writes no checkpoint from bad weights', async () => {
    // lr 1e30: Adam moves every weight by ~1e30 in step 1, the forward of step 2 overflows
    const res = await trainRun(config('train.iters=20', 'train.lr=1e30', 'train.checkpoint_every=1', 'train.display_every=100'), {
      store: sandbox.store,
      progress: 'none',
      handleSignals: false,
    });
    expect(res.status).toBe('failed');
    expect(res.reason).toMatch(/^non-finite loss: \w+ = (NaN|-?Infinity) at step \d+ \(update not applied; last good checkpoint checkpoints\/step-\d{7}\)$/);
    const run = sandbox.store.getRun(res.runId)!;
    expect(run.status).toBe('failed');
    expect(run.exitReason).toBe(res.reason);
    const failedAt = Number(/at step (\d+)/.exec(res.reason!)![1]);
    const ckpts = readdirSync(join(res.runDir, 'checkpoints'));
    expect(ckpts.every((c) => Number(c.slice(5)) < failedAt)).toBe(true);
  });

  it('an exception marks the run failed with its message', async () => {
    const res = await trainRun(config('train.iters=10', 'model.ngf=4', 'model.ndf=4', 'model.nef=4'), {
      store: sandbox.store,
      progress: 'none',
      handleSignals: false,
      onStep: (s) => {
        if (s === 3) throw new Error('disk on fire');
      },
    });
    expect(res.status).toBe('failed');
    expect(res.step).toBe(3);
    const run = sandbox.store.getRun(res.runId)!;
    expect([run.status, run.exitReason]).toEqual(['failed', 'disk on fire']);
    expect(readFileSync(join(res.runDir, 'train.log'), 'utf8')).toMatch(/Error: disk on fire/);
  });

  it('stop -> killed with a checkpoint; resume continues to the same result as an uninterrupted run', async () => {
    const common = ['train.iters=30', 'train.checkpoint_every=100', 'train.display_every=100', 'model.use_dropout=false', 'seed=7'];
    const straight = await trainRun(config(...common), { store: sandbox.store, progress: 'none', handleSignals: false });
    expect(straight.status).toBe('finished');

    const ac = new AbortController();
    const killed = await trainRun(config(...common), {
      store: sandbox.store,
      progress: 'none',
      handleSignals: false,
      signal: ac.signal,
      onStep: (s) => (s === 12 ? ac.abort() : undefined),
    });
    expect(killed.status).toBe('killed');
    expect(killed.step).toBe(12);
    expect(sandbox.store.getRun(killed.runId)!.status).toBe('killed');
    expect(existsSync(join(killed.runDir, 'checkpoints', 'step-0000012', 'state.json'))).toBe(true);

    const resumed = await trainRun(config(`resume=${killed.runId}`), { store: sandbox.store, progress: 'none', handleSignals: false });
    expect(resumed.runId).toBe(killed.runId);
    expect(resumed.reason).toBeUndefined();
    expect(resumed.status).toBe('finished');
    expect(sandbox.store.getRun(killed.runId)!.status).toBe('finished');
    for (const key of ['G_L1', 'D2', 'z_L1']) {
      const a = series(straight.runId, key);
      const b = series(killed.runId, key);
      expect(b.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      // same weights, optimizer moments, batches and noise after the resume: the same numbers
      expect(b.map((p) => p.value)).toEqual(a.map((p) => p.value));
    }
  });

  it('a stop between log points logs the mean of the steps since the last point, and says the step once in train.log', async () => {
    const losses: number[] = [];
    const ac = new AbortController();
    const res = await trainRun(config('train.iters=20', 'train.log_every=5', 'train.checkpoint_every=100', 'train.display_every=100'), {
      store: sandbox.store,
      progress: 'none',
      handleSignals: false,
      signal: ac.signal,
      onStep: (s, l) => {
        losses.push(l.G_L1!);
        if (s === 7) ac.abort();
      },
    });
    expect([res.status, res.step]).toEqual(['killed', 7]);
    const points = series(res.runId, 'G_L1');
    expect(points.map((p) => p.step)).toEqual([5, 7]);
    expect(points[1]!.value).toBeCloseTo((losses[5]! + losses[6]!) / 2, 10); // steps 6 and 7
    const log = readFileSync(join(res.runDir, 'train.log'), 'utf8');
    expect(log).toContain('killed: stopped at step 7\n');
    expect(log).not.toMatch(/at step \d+ at step/);
  });

  it('the first point after a resume averages the same steps as an uninterrupted run (window kept in the checkpoint)', async () => {
    // checkpoint at 7, inside the window 6..10; the run fails at step 9; resume redoes 8..20.
    const common = ['train.iters=20', 'train.log_every=5', 'train.checkpoint_every=7', 'train.display_every=100', 'model.use_dropout=false', 'seed=11'];
    const straight = await trainRun(config(...common), { store: sandbox.store, progress: 'none', handleSignals: false });
    const powerCut = (s: number): void => {
      if (s === 9) throw new Error('power cut');
    };
    const broken = await trainRun(config(...common), { store: sandbox.store, progress: 'none', handleSignals: false, onStep: powerCut });
    expect(broken.status).toBe('failed');
    expect(readFileSync(join(broken.runDir, 'train.log'), 'utf8')).toContain('failed at step 9: power cut\n');
    const resumed = await trainRun(config(`resume=${broken.runId}`), { store: sandbox.store, progress: 'none', handleSignals: false });
    expect(resumed.status).toBe('finished');
    const a = series(straight.runId, 'G_L1');
    const b = series(broken.runId, 'G_L1');
    expect(b.map((p) => p.step)).toEqual([5, 10, 15, 20]);
    expect(b.map((p) => p.value)).toEqual(a.map((p) => p.value));
  });

  it('a deleted checkpoint folder: resume says which checkpoint it uses and why, and the artifacts table stays true', async () => {
    const ac = new AbortController();
    const common = ['train.iters=14', 'train.checkpoint_every=4', 'train.display_every=100'];
    const killed = await trainRun(config(...common), { store: sandbox.store, progress: 'none', handleSignals: false, signal: ac.signal, onStep: (s) => (s === 10 ? ac.abort() : undefined) });
    expect(killed.step).toBe(10);
    const ckpts = (runId: string) => sandbox.store.listArtifacts(runId, { kind: 'checkpoint' }).map((a) => a.path);
    expect(ckpts(killed.runId)).toEqual(['checkpoints/step-0000004', 'checkpoints/step-0000008', 'checkpoints/step-0000010']);
    rmSync(join(killed.runDir, 'checkpoints', 'step-0000010'), { recursive: true });
    rmSync(join(killed.runDir, 'checkpoints', 'step-0000008'), { recursive: true });
    const out = consoleCapture();
    const resumed = await trainRun(config(`resume=${killed.runId}`), { store: sandbox.store, progress: 'lines', handleSignals: false, stream: out.stream });
    expect(resumed.status).toBe('finished');
    expect(out.text()).toContain(
      `recorded checkpoints checkpoints/step-0000008, checkpoints/step-0000010 are missing from ${killed.runDir} (deleted?): removed from the run's artifacts; resuming from the newest complete checkpoint on disk\nresumed from checkpoints/step-0000004 (step 4)\n`,
    );
    expect(ckpts(killed.runId)).toEqual(['checkpoints/step-0000004', 'checkpoints/step-0000008', 'checkpoints/step-0000012', 'checkpoints/step-0000014']);
    for (const path of ckpts(killed.runId)) expect(existsSync(join(killed.runDir, path, 'state.json'))).toBe(true);
  });

  it('a format-1 checkpoint (alea noise state) resumes with a one-line note; an unknown format is refused in one line', async () => {
    const common = ['train.iters=6', 'train.checkpoint_every=100', 'train.display_every=100', 'seed=5'];
    const stopAt4 = () => {
      const ac = new AbortController();
      return { signal: ac.signal, onStep: (s: number) => (s === 4 ? ac.abort() : undefined) };
    };
    const rewriteState = (runDir: string, edit: (state: Record<string, unknown>) => void) => {
      const path = join(runDir, 'checkpoints', 'step-0000004', 'state.json');
      const state = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      edit(state);
      writeFileSync(path, JSON.stringify(state));
    };
    const old = await trainRun(config(...common), { store: sandbox.store, progress: 'none', handleSignals: false, ...stopAt4() });
    expect([old.status, old.step]).toEqual(['killed', 4]);
    rewriteState(old.runDir, (s) => Object.assign(s, { format: 'workbench-checkpoint/9' }));
    const refused = await trainRun(config(`resume=${old.runId}`), { store: sandbox.store, progress: 'none', handleSignals: false });
    expect([refused.status, refused.step]).toEqual(['failed', 0]);
    expect(refused.reason).toBe(`${join(old.runDir, 'checkpoints', 'step-0000004', 'state.json')}: unknown checkpoint format 'workbench-checkpoint/9'`);

    // What a format-1 trainer wrote: seedrandom's alea state and a cached Box-Muller value.
    rewriteState(old.runDir, (s) => Object.assign(s, { format: 'workbench-checkpoint/1', rng: { alea: { c: 1, s0: 0.25, s1: 0.5, s2: 0.75 }, spare: null } }));
    const out = consoleCapture();
    const resumed = await trainRun(config(`resume=${old.runId}`), { store: sandbox.store, progress: 'lines', handleSignals: false, stream: out.stream });
    expect(resumed.status).toBe('finished');
    expect(out.text()).toContain(
      'checkpoint format 1 (alea noise state) at step 4: weights, optimizer and data position restored; the noise z restarts from a new seeded stream, so the run is not bit-identical to an uninterrupted one\nresumed from checkpoints/step-0000004 (step 4)\n',
    );
    expect(series(old.runId, 'G_L1').map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const rewritten = JSON.parse(readFileSync(join(old.runDir, 'checkpoints', 'step-0000006', 'state.json'), 'utf8')) as { format: string; rng: unknown };
    expect(rewritten.format).toBe('workbench-checkpoint/2');
    expect(rewritten.rng).toHaveLength(4);
  });

  it('refuses to resume a finished run and keeps its record', async () => {
    const done = await trainRun(config('train.iters=2', 'train.display_every=1000'), { store: sandbox.store, progress: 'none', handleSignals: false });
    const before = sandbox.store.getRun(done.runId)!;
    await expect(trainRun(config(`resume=${done.runId}`), { store: sandbox.store, progress: 'none', handleSignals: false })).rejects.toThrow(
      `resume=${done.runId}: the run already finished all its iterations`,
    );
    const after = sandbox.store.getRun(done.runId)!;
    expect([after.status, after.endedAt, after.resumes]).toEqual(['finished', before.endedAt, before.resumes]);
  });

  it('with dropout on (64 px: one dropout level), a resumed run draws the same masks as an uninterrupted one', async () => {
    const common = ['data.crop_size=64', 'data.load_size=64', 'model.use_dropout=true', 'train.iters=8', 'train.checkpoint_every=100', 'train.display_every=100', 'seed=3'];
    const straight = await trainRun(config(...common), { store: sandbox.store, progress: 'none', handleSignals: false });
    const ac = new AbortController();
    const killed = await trainRun(config(...common), { store: sandbox.store, progress: 'none', handleSignals: false, signal: ac.signal, onStep: (s) => (s === 4 ? ac.abort() : undefined) });
    expect(killed.status).toBe('killed');
    const resumed = await trainRun(config(`resume=${killed.runId}`), { store: sandbox.store, progress: 'none', handleSignals: false });
    expect(resumed.status).toBe('finished');
    for (const key of ['G_L1', 'G_GAN2', 'z_L1']) {
      expect(series(killed.runId, key).map((p) => p.value)).toEqual(series(straight.runId, key).map((p) => p.value));
    }
  });

  it('releases the datasets it opened when the networks cannot be built (nothing recorded)', async () => {
    // 48 px passes the data checks but not the U-Net's power-of-two rule (ModelOptionsError).
    const cfg = config('data.crop_size=48', 'data.load_size=48');
    const dispose = vi.spyOn(ShapesDataset.prototype, 'dispose');
    const runsBefore = sandbox.store.listRuns({}).total;
    try {
      await expect(trainRun(cfg, { store: sandbox.store, progress: 'none', handleSignals: false })).rejects.toThrow(/power of two/);
      expect(dispose).toHaveBeenCalledTimes(2); // the train split and the display split
    } finally {
      dispose.mockRestore();
    }
    expect(sandbox.store.listRuns({}).total).toBe(runsBefore);
  });

  it('says on the console when a resumed run has no checkpoint and starts again from step 0', async () => {
    const ac = new AbortController();
    const first = await trainRun(config('train.iters=2', 'train.display_every=1000'), { store: sandbox.store, progress: 'none', handleSignals: false, signal: ac.signal, onStep: () => ac.abort() });
    expect(first.status).toBe('killed');
    rmSync(join(first.runDir, 'checkpoints'), { recursive: true, force: true });
    const out = consoleCapture();
    const resumed = await trainRun(config(`resume=${first.runId}`), {
      store: sandbox.store,
      progress: 'lines',
      handleSignals: false,
      stream: out.stream,
    });
    expect(resumed.status).toBe('finished');
    expect(resumed.step).toBe(2);
    expect(out.text()).toContain(`no checkpoint in ${join(first.runDir, 'checkpoints')}: starting from step 0 with the run config`);
  });

  it('warns before the first step when data.direction makes the label side the target (facades AtoB), not with BtoA', async () => {
    const facades = fileURLToPath(new URL('../../../fixtures/facades', import.meta.url));
    const start = async (direction: string) => {
      const out = consoleCapture();
      const cfg = config('data=facades', `data.root=${facades}`, `data.direction=${direction}`, 'data.load_size=32', 'data.crop_size=32', 'train.iters=1', 'train.display_every=1000');
      const r = await trainRun(cfg, { store: sandbox.store, progress: 'lines', handleSignals: false, stream: out.stream });
      expect(r.status).toBe('finished');
      return { text: out.text(), log: readFileSync(join(r.runDir, 'train.log'), 'utf8') };
    };
    const reversed = await start('AtoB');
    expect(reversed.text).toMatch(/^warning: the target side B \(right half\) looks like a label\/edge map .* set data\.direction=BtoA$/m);
    expect(reversed.log).toContain('warning: the target side B (right half)');
    expect((await start('BtoA')).text).not.toContain('warning');
  });
});
