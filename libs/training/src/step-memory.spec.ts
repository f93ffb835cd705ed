// The step memory estimate and the refusal before a run starts: the official configuration fits
// the wasm heap, a deliberately oversized one is refused with the estimate and the limit, and
// trainRun refuses it before anything is recorded.
import { describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '@workbench/config';
import { estimateStepMemory, wasmMemoryRefusal } from './step-memory.js';
import { TrainError, trainRun } from './trainer.js';
import { useTrainingSandbox } from '../test/training-sandbox.js';

const GiB = 1024 ** 3;
const sandbox = useTrainingSandbox({ base: ['scale=full', 'data=shapes', 'data.crop_size=256', 'data.load_size=256'] });

/** scale=full on the built-in dataset (no folder needed): 256 px, widths 64, batch 2, resnet E, add_to_all. */
const full = (...overrides: string[]): ResolvedConfig => sandbox.config(...overrides);

describe('step memory estimate', () => {
  it('fits the official configuration in the 4 GiB heap, with margin', () => {
    const c = full();
    expect([c.data.crop_size, c.model.ngf, c.model.ndf, c.model.nef, c.train.batch_size, c.model.encoder, c.model.where_add]).toEqual([256, 64, 64, 64, 2, 'resnet', 'all']);
    const est = estimateStepMemory(c);
    // parameters (G 54.8 M, E 2.6 M, D and D2 3.5 M each) × 4 bytes × (value, two moments)
    expect(est.parts.parametersAndAdam / GiB).toBeCloseTo((3 * 4 * 64_302_569) / GiB, 2);
    expect(est.totalBytes).toBeLessThan(3.5 * GiB);
    expect(wasmMemoryRefusal(c)).toBeUndefined();
  });

  it('grows with batch, size and width, and refuses what cannot fit with the estimate and the limit', () => {
    const base = estimateStepMemory(full()).totalBytes;
    expect(estimateStepMemory(full('train.batch_size=4')).totalBytes).toBeGreaterThan(base);
    expect(estimateStepMemory(full('data.crop_size=128', 'data.load_size=128')).totalBytes).toBeLessThan(base);
    const msg = wasmMemoryRefusal(full('model.ngf=128', 'model.ndf=128', 'model.nef=128'))!;
    expect(msg).toMatch(/^this configuration \(method=bicyclegan, 256 px, ngf\/ndf\/nef 128\/128\/128, batch 2, encoder resnet, where_add all, nz 8\) needs about \d+\.\d\d GiB per training step/);
    expect(msg).toMatch(/more than the wasm backend's 4 GiB heap: use a smaller train\.batch_size.*backend=cpu.*GPU/);
  });

  it('trainRun refuses an oversized configuration on wasm before recording a run', async () => {
    const runsBefore = sandbox.store.listRuns().total;
    const run = trainRun(full('model.ngf=256', 'train.iters=1'), { store: sandbox.store, progress: 'none', handleSignals: false });
    await expect(run).rejects.toThrow(TrainError);
    await expect(run).rejects.toThrow(/needs about \d+\.\d\d GiB per training step .* more than the wasm backend's 4 GiB heap/);
    expect(sandbox.store.listRuns().total).toBe(runsBefore);
  });
});
