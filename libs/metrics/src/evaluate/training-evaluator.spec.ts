// train.eval_every end to end: a real tiny training run logs eval_* series at the right steps,
// evaluating does not change training (the losses equal those of a run without it), and the last
// point equals `workbench eval` of the final checkpoint with the same subset and seed.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainRun } from '@workbench/training';
import { evaluateRun } from './evaluate-run.js';
import { createTrainingEvaluator, TRAINING_EVAL_SEED, TrainingEvalError } from './training-evaluator.js';
import { useTrainingSandbox } from '@workbench/training/testing';

const sandbox = useTrainingSandbox({
  base: [
    'data=shapes', 'data.train_size=40', 'data.test_size=4', 'model.ngf=8', 'model.ndf=8', 'model.nef=8', 'model.nz=4',
    'train.iters=12', 'train.log_every=4', 'train.display_every=100', 'train.checkpoint_every=100',
    'train.eval_inputs=4', 'train.eval_samples=3',
  ],
});

const { config } = sandbox;
const series = (runId: string, key: string) => sandbox.store.metricSeries(runId, key, { maxPoints: 1000 }).points.map((p) => [p.step, p.value]);

describe('train.eval_every', () => {
  it('logs eval_* series every N steps and at the end, without changing training', async () => {
    const base = { store: sandbox.store, progress: 'none' as const, handleSignals: false };
    const withEval = await trainRun(config('train.eval_every=5'), { ...base, createEvaluator: createTrainingEvaluator });
    const without = await trainRun(config('train.eval_every=0'), { ...base, createEvaluator: createTrainingEvaluator });
    expect(withEval.status).toBe('finished');
    expect(withEval.evaluations).toBe(3); // steps 5, 10 and the last (12)
    expect(without.evaluations).toBe(0);
    expect(withEval.evalSeconds).toBeGreaterThan(0);
    expect(withEval.trainSeconds).toBeGreaterThan(0);

    const keys = sandbox.store.metricKeys(withEval.runId);
    for (const k of ['eval_mode_coverage', 'eval_mode_no_match', 'eval_mode_tv', 'eval_mode_leak', 'eval_diversity_l1', 'eval_reconstruction_l1', 'eval_encoded_mode_accuracy', 'eval_seconds']) {
      expect(keys).toContain(k);
    }
    expect(sandbox.store.metricKeys(without.runId).some((k) => k.startsWith('eval_'))).toBe(false);
    const coverage = series(withEval.runId, 'eval_mode_coverage');
    expect(coverage.map(([s]) => s)).toEqual([5, 10, 12]);
    for (const [, v] of coverage) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }

    // Evaluation must not perturb training: same RNG streams, same weights, same losses.
    for (const k of ['G_L1', 'G_GAN', 'D', 'kl', 'z_L1', 'loss_G']) {
      const a = series(withEval.runId, k);
      expect(a.length).toBeGreaterThan(0);
      expect(a).toEqual(series(without.runId, k));
    }
    expect(readFileSync(join(withEval.runDir, 'train.log'), 'utf8')).toMatch(/eval_every: 3 evaluations took [\d.]+ s, [\d.]+ % of the [\d.]+ s of training/);

    // The last point is `workbench eval` of the final checkpoint on the same subset and z.
    const final = await evaluateRun(sandbox.store, sandbox.store.getRun(withEval.runId)!, {
      nInputs: 4, nSamples: 3, pairs: 'consecutive', runsDir: sandbox.runsDir, grid: false, seed: TRAINING_EVAL_SEED,
    });
    const byMetric = Object.fromEntries(final.rows.map((r) => [r.metric, r.value]));
    for (const m of ['mode_coverage', 'mode_no_match', 'diversity_l1', 'reconstruction_l1']) {
      const last = series(withEval.runId, `eval_${m}`).at(-1)!;
      expect(last[0]).toBe(12);
      expect(last[1]).toBeCloseTo(byMetric[m]!, 6);
    }
  });

  it('refuses a test split too small to evaluate, naming the key to change', async () => {
    await expect(createTrainingEvaluator(config('data.test_size=1', 'train.eval_every=5'))).rejects.toThrow(TrainingEvalError);
    await expect(createTrainingEvaluator(config('data.test_size=1'))).rejects.toThrow(/at least 2 test inputs.*train\.eval_every=0/);
  });
});
