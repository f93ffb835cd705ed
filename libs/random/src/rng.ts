// The project's one seeded random number family: every experiment draw (dataset layout and
// augmentation, weight init, training noise z, metric sampling) comes from an `Rng`, so one seed
// reproduces a run and a checkpoint saves the stream as four integers.
//
// xoshiro128** (Blackman & Vigna) on uint32 words, seeded through splitmix32: only integer
// operations (Math.imul, shifts, xor), so no platform-dependent float path. `deriveSeed` hashes
// a tuple such as (dataSeed, 'layout', 'train', index) into an independent 32-bit seed, which is
// how every sample, split and epoch gets its own stream without shared state.

/** The saved state of an `Rng`: four uint32 words. */
export type RngState = [number, number, number, number];

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Hash a tuple of integers and strings into a 32-bit seed. Integers may be up to 2^53 and
 * negative; strings are hashed as UTF-16 code units.
 */
export function deriveSeed(...parts: Array<number | string>): number {
  let h = 0x2545f491;
  const mix = (w: number) => {
    h = Math.imul(h ^ (w >>> 0), 0x01000193);
    h = splitmix32(h);
  };
  for (const p of parts) {
    if (typeof p === 'number') {
      if (!Number.isSafeInteger(p)) throw new Error(`deriveSeed: ${p} is not a safe integer`);
      mix(0x6e756d00); // tag: number
      mix(p % 0x100000000);
      mix(Math.floor(p / 0x100000000));
    } else {
      mix(0x73747200 ^ p.length); // tag: string
      for (let i = 0; i < p.length; i++) mix(p.charCodeAt(i));
    }
  }
  return h >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let x = seed >>> 0;
    x = splitmix32(x);
    this.s0 = x;
    x = splitmix32(x);
    this.s1 = x;
    x = splitmix32(x);
    this.s2 = x;
    x = splitmix32(x);
    this.s3 = x;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** A generator seeded by `deriveSeed(...parts)`. */
  static derive(...parts: Array<number | string>): Rng {
    return new Rng(deriveSeed(...parts));
  }

  /** A generator that continues the stream saved by `getState()`. */
  static fromState(state: RngState): Rng {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
      throw new Error(`Rng.fromState: expected four uint32 words, got ${JSON.stringify(state)}`);
    }
    const r = new Rng(0);
    [r.s0, r.s1, r.s2, r.s3] = [state[0], state[1], state[2], state[3]];
    if ((r.s0 | r.s1 | r.s2 | r.s3) === 0) throw new Error('Rng.fromState: the all-zero state is not a valid xoshiro state');
    return r;
  }

  /** The whole state (no hidden cache): `Rng.fromState(r.getState())` draws what `r` would. */
  getState(): RngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Next uint32. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new Error(`Rng.int: bad range ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const u = this.nextU32();
      if (u < limit) return u % n;
    }
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  intIn(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** Uniform float in [0, 1) with 32 random bits (exact: a uint32 divided by 2^32). */
  uniform(): number {
    return this.nextU32() / 0x100000000;
  }

  /**
   * One standard-normal value (Box-Muller; the pair's second value is dropped rather than
   * cached, so that `getState()` is the whole state).
   */
  normal(): number {
    const [c] = this.normalPair();
    return c;
  }

  /** `n` values ~ N(mean, std), both values of each Box-Muller pair used. */
  normals(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    this.fillNormal(out, mean, std);
    return out;
  }

  /** Fills `out` with N(mean, std) values (weight init fills large buffers in place). */
  fillNormal(out: Float32Array, mean = 0, std = 1): void {
    for (let i = 0; i < out.length; i += 2) {
      const [c, s] = this.normalPair();
      out[i] = mean + std * c;
      if (i + 1 < out.length) out[i + 1] = mean + std * s;
    }
  }

  /** A uniformly drawn item of `items` (one `int(items.length)` draw, so streams stay as before). */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new Error(`Rng.pick: the list of ${items.length} items has a hole`);
    return item;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** Two independent standard-normal values from two uniforms; u1 in (0, 1] keeps log finite. */
  private normalPair(): [number, number] {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    return [r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)];
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
