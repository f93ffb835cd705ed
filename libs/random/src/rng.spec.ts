import { describe, expect, it } from 'vitest';
import { deriveSeed, Rng, type RngState } from './rng.js';

describe('Rng', () => {
  it('gives the same stream for the same seed and a known first value on every machine', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 100 }, () => a.nextU32());
    expect(Array.from({ length: 100 }, () => b.nextU32())).toEqual(xs);
    // Golden values: a change here means datasets change on every machine.
    expect(xs.slice(0, 3)).toEqual(GOLDEN_42);
    expect(new Rng(43).nextU32()).not.toBe(xs[0]);
  });

  it('draws unbiased integers in range and restores its state', () => {
    const r = new Rng(7);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[r.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400); // ~4.4 sigma
    const s = r.getState();
    const next = [r.int(1000), r.intIn(-5, 5), r.uniform()];
    const back = Rng.fromState(s);
    expect([back.int(1000), back.intIn(-5, 5), back.uniform()]).toEqual(next);
    for (let i = 0; i < 1000; i++) {
      const v = r.intIn(3, 9);
      expect(v >= 3 && v <= 9).toBe(true);
      const f = r.uniform();
      expect(f >= 0 && f < 1).toBe(true);
    }
  });

  it('derives distinct seeds from distinct tuples', () => {
    const seen = new Set<number>();
    for (const split of ['train', 'test'])
      for (let i = 0; i < 500; i++) seen.add(deriveSeed(1234, 'layout', split, i));
    expect(seen.size).toBe(1000);
    expect(deriveSeed(1, 'a')).toBe(deriveSeed(1, 'a'));
    expect(deriveSeed(1, 'ab')).not.toBe(deriveSeed(1, 'a', 'b'));
    expect(deriveSeed(2 ** 40)).not.toBe(deriveSeed(0));
  });
});

describe('Rng normal draws and permutations', () => {
  it('draws N(mean, std) values whose moments match, the same for the same seed', () => {
    const xs = Rng.derive(7, 'z').normals(10_000);
    expect(Rng.derive(7, 'z').normals(10_000)).toEqual(xs);
    expect(Rng.derive(8, 'z').normals(5)).not.toEqual(xs.slice(0, 5));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.04); // 4 sigma of the mean of 10k draws
    expect(Math.abs(variance - 1)).toBeLessThan(0.06);
    const shifted = Rng.derive(7, 'z').normals(4, 1, 0.02);
    for (let i = 0; i < 4; i++) expect(shifted[i]).toBeCloseTo(1 + 0.02 * xs[i]!, 6);
    // An odd length uses the cos value of the last pair, as in the first element of a pair.
    expect(Rng.derive(7, 'z').normals(3)[2]).toBe(xs[2]);
  });

  it('saves its whole state: a restored stream continues normal() and normals() exactly', () => {
    const r = new Rng(11);
    const full = [r.normal(), ...r.normals(5), r.normal()];
    const first = new Rng(11);
    first.normal();
    const back = Rng.fromState(JSON.parse(JSON.stringify(first.getState())));
    expect([...back.normals(5), back.normal()]).toEqual(full.slice(1));
  });

  it('refuses a state that is not four uint32 words', () => {
    expect(() => Rng.fromState([1, 2, 3] as unknown as RngState)).toThrow(/four uint32 words/);
    expect(() => Rng.fromState([0, 0, 0, 0])).toThrow(/all-zero/);
  });

  it('picks an item with the same single draw as int(length), and refuses an empty list', () => {
    const items = ['a', 'b', 'c', 'd', 'e'] as const;
    const picked = Array.from({ length: 200 }, (_, k) => Rng.derive(3, k).pick(items));
    expect(picked).toEqual(Array.from({ length: 200 }, (_, k) => items[Rng.derive(3, k).int(items.length)]));
    expect(new Set(picked)).toEqual(new Set(items));
    expect(() => new Rng(1).pick([])).toThrow(/bad range 0/);
  });

  it('gives a permutation of 0..n-1 that depends on the seed', () => {
    const p = new Rng(1).permutation(50);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(new Rng(2).permutation(50));
    expect(new Rng(1).permutation(0)).toEqual([]);
  });
});

const GOLDEN_42 = [2014437610, 2536506388, 439704051];
