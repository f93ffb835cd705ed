// The ops whose PyTorch semantics differ from tfjs defaults, against hand-computed PyTorch values.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { avgPool3s2p1ExcludePad, instanceNorm, reflectionPad1, tileZ, upsampleBilinear2x } from './ops.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const grid = (rows: number[][]) => tf.tensor4d(rows.flat(), [1, rows.length, rows[0]?.length ?? 0, 1]);
const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('ops', () => {
  it('AvgPool2d(3, s2, p1, count_include_pad=False): padded cells are not counted', () => {
    const x = grid([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]);
    // windows centred on (0,0), (0,2), (2,0), (2,2) with symmetric padding 1
    const want = [(1 + 2 + 5 + 6) / 4, (2 + 3 + 4 + 6 + 7 + 8) / 6, (5 + 6 + 9 + 10 + 13 + 14) / 6, 99 / 9];
    const got = values(avgPool3s2p1ExcludePad(x));
    expect(got).toHaveLength(want.length);
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 5));
    // tfjs 'same' would pad (0, 1) and give different windows
    expect(values(tf.avgPool(x, 3, 2, 'same'))[0]).not.toBeCloseTo(3.5, 3);
  });

  it('Upsample(×2, bilinear, align_corners=False) as PyTorch', () => {
    const y = upsampleBilinear2x(grid([[1, 2], [3, 4]]));
    expect(values(y)).toEqual([1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4]);
  });

  it('ReflectionPad2d(1) mirrors without repeating the edge', () => {
    expect(values(reflectionPad1(grid([[1, 2, 3], [4, 5, 6]])))).toEqual([5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5, 2, 1, 2, 3, 2]);
  });

  it('InstanceNorm: per sample and channel, biased variance, eps 1e-5', () => {
    const x = tf.tensor4d([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2]);
    const y = values(instanceNorm(x));
    const ch0 = [1, 2, 3, 4];
    const mean = 2.5;
    const varB = ch0.reduce((s, v) => s + (v - mean) ** 2, 0) / 4; // biased: 1.25
    expect(y[0]).toBeCloseTo((1 - mean) / Math.sqrt(varB + 1e-5), 5);
    expect(y[1]).toBeCloseTo((10 - 25) / Math.sqrt(125 + 1e-5), 5);
  });

  it('tileZ repeats z at every pixel (no Tile op)', () => {
    const z = tf.tensor2d([[1, 2], [3, 4]]);
    const t = tileZ(z, 2, 3);
    expect(t.shape).toEqual([2, 2, 3, 2]);
    expect(values(t).slice(0, 4)).toEqual([1, 2, 1, 2]);
    expect(values(t).slice(12, 16)).toEqual([3, 4, 3, 4]);
  });
});
