// Seeded Gaussian numbers for weight init (the official code uses torch's RNG, which we cannot
// reproduce; we match the distributions: xavier_normal_(gain 0.02), zero bias, BN weight N(1, 0.02)).
import seedrandom from 'seedrandom';

export class GaussianSource {
  private readonly prng: () => number;

  constructor(seed: string) {
    this.prng = seedrandom.alea(seed);
  }

  /** Fills `out` with N(mean, std) values (Box-Muller, both values of each pair used). */
  fill(out: Float32Array, mean: number, std: number): void {
    for (let i = 0; i < out.length; i += 2) {
      const u1 = 1 - this.prng(); // (0, 1]: log is finite
      const u2 = this.prng();
      const r = Math.sqrt(-2 * Math.log(u1));
      out[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
    }
  }
}
