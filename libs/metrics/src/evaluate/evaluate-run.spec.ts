import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DataError } from '@workbench/data';
import { latestCheckpoint } from '@workbench/tracking';
import { createTinyRun } from '../../test/tiny-run.js';
import { evaluateRun } from './evaluate-run.js';
import { RunCheckpointError } from './run-checkpoint.js';
import { useTrainingSandbox } from '@workbench/training/testing';

const sandbox = useTrainingSandbox();

describe('evaluateRun', () => {
  it('evaluates the final checkpoint and is idempotent: a rerun replaces rows, never duplicates', async () => {
    const run = createTinyRun(sandbox.store, join(sandbox.dir, 'runs'), { id: 'run-a', step: 7 });
    // An older checkpoint must be ignored.
    createTinyRun(sandbox.store, join(sandbox.dir, 'runs-old'), { id: 'run-old', step: 3 });
    expect(latestCheckpoint(run.runDir!)!.step).toBe(7);
    const opts = { nInputs: 4, nSamples: 3, pairs: 'consecutive' as const, runsDir: join(sandbox.dir, 'runs'), lpipsSkipped: 'test' };
    const before = tf.memory().numTensors;
    const first = await evaluateRun(sandbox.store, run, opts);
    expect(tf.memory().numTensors).toBe(before);
    expect(first.step).toBe(7);
    expect(existsSync(first.gridPath!)).toBe(true);
    const rows1 = sandbox.store.evalResults({ runId: run.id });
    expect(rows1.map((r) => r.metric).sort()).toEqual(
      ['c2st_accuracy', 'diversity_l1', 'encoded_mode_accuracy', 'mode_coverage', 'mode_leak', 'mode_no_match', 'mode_tv', 'real_pairs_l1', 'reconstruction_l1'],
    );
    expect(rows1.every((r) => r.step === 7)).toBe(true);

    const second = await evaluateRun(sandbox.store, run, opts);
    const rows2 = sandbox.store.evalResults({ runId: run.id });
    expect(rows2.length).toBe(rows1.length);
    expect(rows2.map((r) => [r.metric, r.value, r.n])).toEqual(rows1.map((r) => [r.metric, r.value, r.n]));
    expect(second.report.diversity).toEqual(first.report.diversity);
    expect(sandbox.store.listArtifacts(run.id, { kind: 'eval_grid' })).toHaveLength(1);
    expect(sandbox.store.listArtifacts(run.id, { kind: 'eval_grid' }).at(0)?.path).toBe('images/eval-step-0000007.png');
  });

  it('refuses a run without a checkpoint with a one-line reason', async () => {
    const run = sandbox.store.createRun({ id: 'run-empty', method: 'bicyclegan', config: { seed: 0 }, runDir: join(sandbox.dir, 'nowhere') });
    await expect(evaluateRun(sandbox.store, run, { nInputs: 2, nSamples: 2, pairs: 'consecutive', runsDir: sandbox.dir })).rejects.toThrow(RunCheckpointError);
    await expect(evaluateRun(sandbox.store, run, { nInputs: 2, nSamples: 2, pairs: 'consecutive', runsDir: sandbox.dir })).rejects.toThrow(/run run-empty has no checkpoint in .*train it first/);
  });

  it('looks only in <runsDir>/<run id>: a run_dir recorded in the row (remote clients write rows) is not followed', async () => {
    const other = createTinyRun(sandbox.store, join(sandbox.dir, 'runs-b'), { id: 'run-b', step: 2 });
    const run = sandbox.store.createRun({ id: 'run-points-elsewhere', method: 'bicyclegan', config: other.config, runDir: other.runDir! });
    await expect(evaluateRun(sandbox.store, run, { nInputs: 2, nSamples: 2, pairs: 'consecutive', runsDir: join(sandbox.dir, 'runs-b') })).rejects.toThrow(/run run-points-elsewhere has no checkpoint in .*runs-b\/run-points-elsewhere\/checkpoints/);
  });

  it('releases the loaded networks when the test split cannot be opened', async () => {
    const good = createTinyRun(sandbox.store, join(sandbox.dir, 'runs-moved'), { id: 'run-moved', step: 2 });
    // The same checkpoint, but its data now points at a folder that is gone.
    const config = { ...(good.config as Record<string, unknown>), data: { ...(good.config.data as Record<string, unknown>), dataset: 'aligned', root: join(sandbox.dir, 'gone') } };
    cpSync(good.runDir!, join(sandbox.dir, 'runs-moved', 'run-moved-data'), { recursive: true });
    const run = sandbox.store.createRun({ id: 'run-moved-data', method: 'bicyclegan', config });
    const before = tf.memory().numTensors;
    await expect(evaluateRun(sandbox.store, run, { nInputs: 2, nSamples: 2, pairs: 'consecutive', runsDir: join(sandbox.dir, 'runs-moved') })).rejects.toThrow(DataError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('evaluates a train/val-only dataset on val/ (with the folders it passed over), at a data.root given at eval time', async () => {
    const facades = fileURLToPath(new URL('../../../../fixtures/facades', import.meta.url));
    // edges2shoes layout: train/ and val/ only, both symlinks into another folder
    const tv = join(sandbox.dir, 'facades-tv');
    mkdirSync(tv);
    symlinkSync(join(facades, 'train'), join(tv, 'train'));
    symlinkSync(join(facades, 'test'), join(tv, 'val'));
    const good = createTinyRun(sandbox.store, join(sandbox.dir, 'runs-tv'), { id: 'run-tv-ckpt', step: 4 });
    // trained where the dataset used to be
    const data = { dataset: 'aligned', root: join(sandbox.dir, 'old-place'), direction: 'BtoA', load_size: 32, crop_size: 32, preprocess: 'resize_and_crop', no_flip: false, input_nc: 3, output_nc: 3 };
    cpSync(good.runDir!, join(sandbox.dir, 'runs-tv', 'run-tv'), { recursive: true }); // its folder in the run layout
    const run = sandbox.store.createRun({ id: 'run-tv', method: 'bicyclegan', config: { ...(good.config as Record<string, unknown>), data } });
    const opts = { nInputs: 2, nSamples: 2, pairs: 'consecutive' as const, runsDir: join(sandbox.dir, 'runs-tv'), lpipsSkipped: 'test', grid: false };

    await expect(evaluateRun(sandbox.store, run, { ...opts, splits: ['test', 'val'] })).rejects.toThrow(`data.root ${join(sandbox.dir, 'old-place')} does not exist`);
    const r = await evaluateRun(sandbox.store, run, { ...opts, splits: ['test', 'val'], data: { root: tv } });
    expect(r.split).toBe('val');
    expect(r.passedSplits.map((p) => p.error.message)).toEqual([
      `${join(tv, 'test')} does not exist (${tv} has subfolders train, val): an aligned dataset needs test/ with A|B images`,
    ]);
    expect(sandbox.store.evalResults({ runId: 'run-tv' }).every((row) => (row.details as { split?: string }).split === 'val')).toBe(true);

    // eval.split=test given explicitly: no fallback, and the error says what the folder holds
    await expect(evaluateRun(sandbox.store, run, { ...opts, splits: ['test'], data: { root: tv } })).rejects.toThrow(`${join(tv, 'test')} does not exist (${tv} has subfolders train, val)`);
    expect((await evaluateRun(sandbox.store, run, { ...opts, splits: ['train'], data: { root: tv } })).split).toBe('train');
  });
});
