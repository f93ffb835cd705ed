import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ganLoss, ganLossPerScale } from './gan-loss.js';
import { klLoss, l1Loss, latentL1Loss } from './reconstruction-losses.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const v = (t: tf.Tensor): number => {
  const first = t.dataSync()[0];
  if (first === undefined) throw new Error(`expected a non-empty tensor, got shape [${t.shape.join(',')}]`);
  return first;
};

describe('ganLoss', () => {
  const s0 = () => tf.tensor4d([0.5, -1, 2, 0], [1, 2, 2, 1]);
  const s1 = () => tf.tensor4d([3], [1, 1, 1, 1]);

  it('lsgan: per-scale MSE to the target, summed over scales', () => {
    // real: ((−0.5)² + (−2)² + 1² + (−1)²)/4 = 6.25/4 and (3−1)² = 4
    expect(v(ganLoss([s0(), s1()], true, 'lsgan'))).toBeCloseTo(6.25 / 4 + 4, 6);
    // fake: (0.25 + 1 + 4 + 0)/4 and 9
    expect(v(ganLoss([s0(), s1()], false, 'lsgan'))).toBeCloseTo(5.25 / 4 + 9, 6);
    expect(ganLossPerScale([s0(), s1()], false, 'lsgan').map(v)).toEqual([5.25 / 4, 9]);
  });

  it('lsgan gives 1 per scale when D outputs zeros (the value logged at init)', () => {
    expect(v(ganLoss([tf.zeros([2, 30, 30, 1]), tf.zeros([2, 14, 14, 1])], true))).toBe(2);
  });

  it('vanilla: mean BCE with logits, stable for large logits', () => {
    const bce = (x: number, t: number) => -(t * Math.log(1 / (1 + Math.exp(-x))) + (1 - t) * Math.log(1 - 1 / (1 + Math.exp(-x))));
    const want = ([0.5, -1, 2, 0].map((x) => bce(x, 1)).reduce((a, b) => a + b) / 4) + bce(3, 1);
    expect(v(ganLoss([s0(), s1()], true, 'vanilla'))).toBeCloseTo(want, 5);
    const big = v(ganLoss([tf.tensor4d([100, -100], [1, 1, 2, 1])], true, 'vanilla'));
    expect(big).toBeCloseTo(50, 4); // (0 + 100)/2, no overflow to Infinity
  });

  it('rejects an unknown mode and an empty list', () => {
    expect(() => ganLoss([s0()], true, 'wgan' as 'lsgan')).toThrow(/unknown gan_mode 'wgan'/);
    expect(() => ganLoss([], true)).toThrow(/at least one/);
  });

  it('leaves no tensors behind', () => {
    const x = s0();
    const before = tf.memory().numTensors;
    ganLoss([x], true).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('l1Loss / latentL1Loss / klLoss', () => {
  it('l1Loss is the mean absolute difference over all elements', () => {
    const a = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 1, 2, 3]);
    const b = tf.tensor4d([0, 2, 5, 4, 5, 0], [1, 1, 2, 3]);
    expect(v(l1Loss(a, b))).toBeCloseTo((1 + 0 + 2 + 0 + 0 + 6) / 6, 6);
  });

  it('latentL1Loss is the mean over batch and dims', () => {
    expect(v(latentL1Loss(tf.tensor2d([[1, -1], [0.5, 0]]), tf.tensor2d([[0, 0], [0, 2]])))).toBeCloseTo((1 + 1 + 0.5 + 2) / 4, 6);
  });

  it('klLoss is −0.5·Σ(1 + logvar − mu² − exp(logvar)), a sum over batch and dims', () => {
    const mu = tf.tensor2d([[0.5, -1], [0, 2]]);
    const logvar = tf.tensor2d([[0, 1], [-1, 0.5]]);
    let want = 0;
    const m = [0.5, -1, 0, 2];
    const l = [0, 1, -1, 0.5];
    for (let i = 0; i < 4; i++) want += 1 + l[i]! - m[i]! ** 2 - Math.exp(l[i]!);
    expect(v(klLoss(mu, logvar))).toBeCloseTo(-0.5 * want, 5);
    // A batch of two identical rows gives twice the loss of one: a sum, not a mean.
    const one = v(klLoss(tf.tensor2d([[0.3, 0.1]]), tf.tensor2d([[0.2, -0.4]])));
    const two = v(klLoss(tf.tensor2d([[0.3, 0.1], [0.3, 0.1]]), tf.tensor2d([[0.2, -0.4], [0.2, -0.4]])));
    expect(two).toBeCloseTo(2 * one, 6);
    expect(Math.abs(v(klLoss(tf.zeros([3, 8]), tf.zeros([3, 8]))))).toBe(0); // −0 as in PyTorch
  });

  it('shape mismatches are named', () => {
    expect(() => l1Loss(tf.zeros([1, 2]), tf.zeros([2, 1]))).toThrow(/l1Loss: shapes differ, \[1,2\] vs \[2,1\]/);
  });
});
