// A run whose step exhausts the wasm heap ends `failed` with the clear heap message (backend, its
// 4 GiB, the configuration, what to do) instead of Aborted(), and keeps the checkpoint and the
// metrics of the steps before. The heap is filled with ballast after step 2; it never shrinks, so
// this case has its own spec file (its own process).
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WasmHeapExhaustedError } from '@workbench/backend';
import { trainRun } from './trainer.js';
import { useTrainingSandbox } from '../test/training-sandbox.js';

const sandbox = useTrainingSandbox();

/** Fills the wasm heap to within 64 KiB with uninitialised tensors (largest blocks first, no
 *  writes: fast, and untouched pages cost no RSS); returns them. */
function fillHeap(): tf.Tensor[] {
  const backend = tf.backend() as unknown as { makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo };
  const held: tf.Tensor[] = [];
  for (const floats of [64 * 1024 * 1024, 4 * 1024 * 1024, 256 * 1024, 16 * 1024]) {
    for (;;) {
      try {
        held.push(tf.engine().makeTensorFromTensorInfo(backend.makeOutput([floats], 'float32')));
      } catch (err) {
        if (!(err instanceof WasmHeapExhaustedError)) throw err;
        break;
      }
    }
  }
  return held;
}

describe('trainRun on an exhausted wasm heap', () => {
  it('fails with the clear heap message and keeps the checkpoint and metrics of the good steps', async () => {
    const config = sandbox.config('data=shapes', 'data.train_size=16', 'data.test_size=4', 'model.ngf=8', 'model.ndf=8', 'model.nef=8', 'train.iters=6', 'train.log_every=1', 'train.checkpoint_every=2', 'train.display_every=100');
    let ballast: tf.Tensor[] = [];
    const res = await trainRun(config, {
      store: sandbox.store,
      progress: 'none',
      handleSignals: false,
      onStep: (step) => {
        if (step === 2) ballast = fillHeap();
      },
    });
    expect(ballast.length).toBeGreaterThan(10);
    expect(res.status).toBe('failed');
    expect(res.step).toBe(2);
    expect(res.reason).toMatch(/^at step 3 with method=bicyclegan, 32 px, ngf\/ndf\/nef 8\/8\/8, batch \d+, encoder resnet, where_add all, nz 8: /);
    expect(res.reason).toMatch(/the wasm backend's 4 GiB heap is exhausted/);
    expect(res.reason).toMatch(/use a smaller train\.batch_size, data\.crop_size or model width .* backend=cpu .* GPU/);
    expect(res.reason).toMatch(/metrics up to step 2 kept; last good checkpoint checkpoints\/step-0000002/);
    // the heap ran out inside a kernel's C++ allocation here (Emscripten aborts): the reason leads
    // with what happened and what to do, the abort is only the detail in parentheses
    expect(res.reason).not.toMatch(/^Aborted/);
    expect(sandbox.store.getRun(res.runId)!.status).toBe('failed');
    expect(sandbox.store.metricSeries(res.runId, 'G_L1', { maxPoints: 100 }).points.map((p) => p.step)).toEqual([1, 2]);
    expect(existsSync(join(res.runDir, 'checkpoints', 'step-0000002', 'G.safetensors'))).toBe(true);
    tf.dispose(ballast);
  });
});
