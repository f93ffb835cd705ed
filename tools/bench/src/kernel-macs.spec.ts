import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { kernelMacs } from './kernel-macs.js';

// Counted against tf.profile on the cpu backend, so the shapes are the ones the kernels record.
async function macsOf(f: () => tf.Tensor): Promise<number> {
  const prof = await tf.profile(() => {
    f().dispose();
  });
  return prof.kernels.reduce((a, k) => a + kernelMacs(k.name, k.inputShapes as number[][], k.outputShapes as number[][]), 0);
}

describe('kernelMacs', () => {
  it('counts a strided conv, its two gradients and a transposed conv', async () => {
    await tf.setBackend('cpu');
    const x = tf.ones([2, 8, 8, 3]) as tf.Tensor4D; // [N,H,W,Ci]
    const w = tf.ones([4, 4, 3, 5]) as tf.Tensor4D; // [kh,kw,Ci,Co]
    // 2·4·4 outputs × 5 channels, each 4·4·3 taps
    const fwd = 2 * 4 * 4 * 5 * (4 * 4 * 3);
    expect(await macsOf(() => tf.conv2d(x, w, 2, 'same'))).toBe(fwd);
    // forward + dx + dw: three equal GEMMs
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').sum());
    expect(await macsOf(() => tf.add(...(grads([x, w]) as [tf.Tensor, tf.Tensor]).map((g) => g.sum()) as [tf.Tensor, tf.Tensor]))).toBe(3 * fwd);
    // the U-Net's up-convolution: y [2,8,8,3] from dy-like input [2,4,4,5]
    const up = tf.ones([2, 4, 4, 5]) as tf.Tensor4D;
    expect(await macsOf(() => tf.conv2dTranspose(up, w, [2, 8, 8, 3], 2, 'same'))).toBe(fwd);
  });

  it('counts matmuls with either operand transposed', async () => {
    await tf.setBackend('cpu');
    const a = tf.ones([6, 7]);
    const b = tf.ones([5, 7]);
    expect(await macsOf(() => tf.matMul(a, b, false, true))).toBe(6 * 5 * 7);
    expect(await macsOf(() => tf.matMul(a.transpose(), a))).toBe(7 * 7 * 6);
  });
});
