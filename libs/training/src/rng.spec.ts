import { describe, expect, it } from 'vitest';
import { GaussianRng } from './rng.js';

describe('GaussianRng', () => {
  it('is reproducible from its seed and roughly standard normal', () => {
    const a = new GaussianRng(7).normals(20000);
    const b = new GaussianRng(7).normals(20000);
    expect(a).toEqual(b);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    const variance = a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(new GaussianRng(8).normals(5)).not.toEqual(a.slice(0, 5));
  });

  it('continues the same stream after its state is saved mid-pair and restored', () => {
    const full = new GaussianRng('s').normals(11);
    const first = new GaussianRng('s');
    const head = first.normals(5); // odd count: a Box-Muller spare is pending
    const state = JSON.parse(JSON.stringify(first.getState()));
    const tail = new GaussianRng('s', state).normals(6);
    expect([...head, ...tail]).toEqual(Array.from(full));
  });

  it('draws permutations', () => {
    const p = new GaussianRng(1).permutation(50);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
