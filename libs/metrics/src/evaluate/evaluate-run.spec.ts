import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@workbench/backend';
import { DataError } from '@workbench/data';
import { openStore, type TrackingStore } from '@workbench/tracking';
import { createTinyRun } from '../../test/tiny-run.js';
import { evaluateRun } from './evaluate-run.js';
import { latestCheckpoint } from '@workbench/training';
import { RunCheckpointError } from './run-checkpoint.js';

let dir: string;
let store: TrackingStore;
beforeAll(async () => {
  await initBackend({ force: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'eval-run-'));
  store = openStore(join(dir, 'wb.db'));
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('evaluateRun', () => {
  it('evaluates the final checkpoint and is idempotent: a rerun replaces rows, never duplicates', async () => {
    const run = createTinyRun(store, join(dir, 'runs'), { id: 'run-a', step: 7 });
    // An older checkpoint must be ignored.
    createTinyRun(store, join(dir, 'runs-old'), { id: 'run-old', step: 3 });
    expect(latestCheckpoint(run.runDir!)!.step).toBe(7);
    const opts = { nInputs: 4, nSamples: 3, pairs: 'consecutive' as const, runsDir: join(dir, 'runs'), lpipsSkipped: 'test' };
    const before = tf.memory().numTensors;
    const first = await evaluateRun(store, run, opts);
    expect(tf.memory().numTensors).toBe(before);
    expect(first.step).toBe(7);
    expect(existsSync(first.gridPath!)).toBe(true);
    const rows1 = store.evalResults({ runId: run.id });
    expect(rows1.map((r) => r.metric).sort()).toEqual(
      ['c2st_accuracy', 'diversity_l1', 'mode_coverage', 'mode_leak', 'mode_no_match', 'mode_tv', 'real_pairs_l1', 'reconstruction_l1'],
    );
    expect(rows1.every((r) => r.step === 7)).toBe(true);

    const second = await evaluateRun(store, run, opts);
    const rows2 = store.evalResults({ runId: run.id });
    expect(rows2.length).toBe(rows1.length);
    expect(rows2.map((r) => [r.metric, r.value, r.n])).toEqual(rows1.map((r) => [r.metric, r.value, r.n]));
    expect(second.report.diversity).toEqual(first.report.diversity);
    expect(store.listArtifacts(run.id, { kind: 'eval_grid' })).toHaveLength(1);
    expect(store.listArtifacts(run.id, { kind: 'eval_grid' })[0].path).toBe('images/eval-step-0000007.png');
  });

  it('refuses a run without a checkpoint with a one-line reason', async () => {
    const run = store.createRun({ id: 'run-empty', method: 'bicyclegan', config: { seed: 0 }, runDir: join(dir, 'nowhere') });
    await expect(evaluateRun(store, run, { nInputs: 2, nSamples: 2, pairs: 'consecutive', runsDir: dir })).rejects.toThrow(RunCheckpointError);
    await expect(evaluateRun(store, run, { nInputs: 2, nSamples: 2, pairs: 'consecutive', runsDir: dir })).rejects.toThrow(/run run-empty has no checkpoint in .*train it first/);
  });

  it('releases the loaded networks when the test split cannot be opened', async () => {
    const good = createTinyRun(store, join(dir, 'runs-moved'), { id: 'run-moved', step: 2 });
    // The same checkpoint, but its data now points at a folder that is gone.
    const config = { ...(good.config as Record<string, unknown>), data: { ...(good.config.data as Record<string, unknown>), dataset: 'aligned', root: join(dir, 'gone') } };
    const run = store.createRun({ id: 'run-moved-data', method: 'bicyclegan', config, runDir: good.runDir! });
    const before = tf.memory().numTensors;
    await expect(evaluateRun(store, run, { nInputs: 2, nSamples: 2, pairs: 'consecutive', runsDir: dir })).rejects.toThrow(DataError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
