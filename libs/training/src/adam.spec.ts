import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from './adam.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** PyTorch 1.13's Adam in float64, element by element. */
function referenceAdam(theta: number[], gradsPerStep: number[][], lr: number, b1: number, b2: number, eps: number): number[] {
  const p = theta.slice();
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  gradsPerStep.forEach((g, s) => {
    const t = s + 1;
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - b2 ** t) + eps;
      p[i] = p[i]! - (lr / (1 - b1 ** t)) * (m[i]! / denom);
    }
  });
  return p;
}

describe('Adam', () => {
  // small magnitudes: float32 keeps ~1e-10 absolute precision, so the comparison sees the update
  const theta0 = [0.005, -0.0125, 3e-3, 0];
  const grads = [
    [0.1, -0.2, 1e-9, 0],
    [0.05, 0.3, -1e-9, 2],
    [-0.4, 0.01, 1e-10, -1],
  ];

  it('matches the PyTorch update formula with eps 1e-8 over three steps', () => {
    const w = tf.variable(tf.tensor1d(theta0));
    const opt = new Adam(new Map([['w', w]]), { lr: 2e-4, beta1: 0.5, beta2: 0.999 });
    for (const g of grads) tf.tidy(() => opt.apply(new Map([['w', tf.tensor1d(g)]])));
    const ref = referenceAdam(theta0, grads, 2e-4, 0.5, 0.999, 1e-8);
    const got = Array.from(w.dataSync());
    for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThan(2e-9);
    expect(opt.step).toBe(3);
    opt.dispose();
    w.dispose();
  });

  it('continues identically after its state is saved and restored into a new optimizer', async () => {
    const run = async (restoreAfter: number | null): Promise<number[]> => {
      const w = tf.variable(tf.tensor1d(theta0));
      let opt = new Adam(new Map([['w', w]]), { lr: 1e-2, beta1: 0.5, beta2: 0.999 });
      for (let s = 0; s < grads.length; s++) {
        if (s === restoreAfter) {
          const state = await opt.getState();
          opt.dispose();
          opt = new Adam(new Map([['w', w]]), { lr: 1e-2, beta1: 0.5, beta2: 0.999 });
          opt.setState(state);
        }
        tf.tidy(() => opt.apply(new Map([['w', tf.tensor1d(grads[s]!)]])));
      }
      const out = Array.from(w.dataSync());
      opt.dispose();
      w.dispose();
      return out;
    };
    expect(await run(2)).toEqual(await run(null));
  });

  it('rejects optimizer state of a different shape with a clear message', async () => {
    const a = tf.variable(tf.zeros([2]));
    const b = tf.variable(tf.zeros([3]));
    const optA = new Adam(new Map([['w', a]]), { lr: 1, beta1: 0.5, beta2: 0.9 });
    const optB = new Adam(new Map([['w', b]]), { lr: 1, beta1: 0.5, beta2: 0.9 });
    expect(() => optB.setState({ step: 0, moments: new Map() })).toThrow(/exp_avg/);
    const state = await optA.getState();
    expect(() => optB.setState(state)).toThrow(/shape \[2\].*\[3\]/);
    for (const x of [optA, optB, a, b]) x.dispose();
  });

  it('leaves no tensors behind per step', () => {
    const w = tf.variable(tf.randomNormal([4, 4]));
    const opt = new Adam(new Map([['w', w]]), { lr: 1e-3, beta1: 0.5, beta2: 0.999 });
    const g = tf.ones([4, 4]);
    opt.apply(new Map([['w', g]]));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) opt.apply(new Map([['w', g]]));
    expect(tf.memory().numTensors).toBe(before);
    for (const x of [g, w]) x.dispose();
    opt.dispose();
  });
});
