// Seeded Gaussian noise whose state can be saved in a checkpoint and restored, so a resumed run
// draws exactly the noise the uninterrupted run would have drawn.
import seedrandom from 'seedrandom';

/** A saveable snapshot: the alea generator's state plus a cached second Box-Muller value. */
export interface RngState {
  alea: seedrandom.State.Alea;
  spare: number | null;
}

export class GaussianRng {
  private readonly prng: seedrandom.StatefulPRNG<seedrandom.State.Alea>;
  private spare: number | null = null;

  constructor(seed: number | string, state?: RngState) {
    this.prng = seedrandom.alea(String(seed), state === undefined ? { state: true } : { state: state.alea });
    this.spare = state?.spare ?? null;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.prng();
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.prng();
    const v = this.prng();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** `n` standard-normal values. */
  normals(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }

  /** A Fisher-Yates permutation of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }

  getState(): RngState {
    return { alea: this.prng.state(), spare: this.spare };
  }
}
