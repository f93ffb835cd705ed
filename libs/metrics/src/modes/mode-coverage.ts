// Ground-truth multimodality on the built-in shapes dataset. Given A, every shape's fill is an
// independent uniform draw from K palette modes, so a perfect model's samples for one input
// show every mode equally often. For each test input and its M samples, the data library's
// classifier says which mode each shape's fill matches (or none); from that:
//
//  - mode coverage: per shape, |distinct modes produced| / K, averaged over shapes;
//  - mode TV: per shape, the total-variation distance between the produced distribution over
//    {K modes, "no mode"} and the true one (uniform over the modes, 0 on "no mode"):
//    TV = ½ (Σ_k |c_k/M − 1/K| + c_none/M), averaged over shapes;
//  - no-mode fraction: fills that match no palette mode (unrealistic colours), over all fills;
//  - colour leak: fraction of pixels outside every shape mask that are not a background colour.
//
// Even an ideal sampler with finite M neither covers every mode nor reaches TV 0; the expected
// values of an ideal sampler (`idealCoverage`, `idealTv`) are reported next to them.
import { Rng } from '@workbench/random';
import type { FillClassification } from '@workbench/data';
import { mean, meanSe, type MeanSe } from '../stats/summary.js';

/** The classifier's verdict on one generated B. */
export interface FillReport {
  /** Per shape of the input (in the dataset's shape order): matched palette mode, or null for none. */
  shapeModes: Array<number | null>;
  /** Fraction of the pixels outside every shape mask whose colour is not a background colour. */
  leak: number;
}

/** The data library's classifier output as a report ('none' → null). */
export function fillReportOf(c: FillClassification): FillReport {
  return { shapeModes: c.shapes.map((v) => (v.mode === 'none' ? null : v.mode)), leak: c.leakFraction };
}

export interface ModeCoverageResult {
  numModes: number;
  samplesPerInput: number;
  /** Mean over shapes of |distinct modes| / K. */
  coverage: MeanSe;
  /** Mean over shapes of the TV distance to the uniform mode distribution. */
  tv: MeanSe;
  /** Mean over fills of [no mode matched]. */
  noModeFraction: MeanSe;
  /** Mean over samples of the colour-leak fraction. */
  leak: MeanSe;
  /** What an ideal sampler would score with the same K and M (expectations). */
  idealCoverage: number;
  idealTv: number;
}

export class ModeCoverageAccumulator {
  private readonly coverage: number[] = [];
  private readonly tv: number[] = [];
  private readonly noMode: number[] = [];
  private readonly leak: number[] = [];
  private samplesPerInput = 0;

  constructor(readonly numModes: number) {
    if (!Number.isInteger(numModes) || numModes < 1) throw new Error(`mode coverage needs K ≥ 1 modes, got ${numModes}`);
  }

  /** The M reports of one input's samples. */
  add(reports: FillReport[]): void {
    const m = reports.length;
    const [first] = reports;
    if (first === undefined) return;
    if (this.samplesPerInput === 0) this.samplesPerInput = m;
    else if (m !== this.samplesPerInput) throw new Error(`mode coverage: inputs must have the same number of samples (${this.samplesPerInput} vs ${m})`);
    const nShapes = first.shapeModes.length;
    const k = this.numModes;
    for (let s = 0; s < nShapes; s++) {
      const counts = new Array<number>(k).fill(0);
      let none = 0;
      for (const r of reports) {
        if (r.shapeModes.length !== nShapes) throw new Error('mode coverage: every sample of an input must report the same shapes');
        const mode = r.shapeModes[s];
        if (mode === null || mode === undefined || mode < 0 || mode >= k) none++;
        else counts[mode] = (counts[mode] ?? 0) + 1;
      }
      this.coverage.push(counts.filter((c) => c > 0).length / k);
      this.tv.push(tvToUniform(counts, none));
      for (let i = 0; i < m; i++) this.noMode.push(i < none ? 1 : 0);
    }
    for (const r of reports) this.leak.push(r.leak);
  }

  result(): ModeCoverageResult {
    const m = this.samplesPerInput;
    return {
      numModes: this.numModes,
      samplesPerInput: m,
      coverage: meanSe(this.coverage),
      tv: meanSe(this.tv),
      noModeFraction: meanSe(this.noMode),
      leak: meanSe(this.leak),
      idealCoverage: m > 0 ? idealCoverage(this.numModes, m) : Number.NaN,
      idealTv: m > 0 ? idealTv(this.numModes, m) : Number.NaN,
    };
  }
}

/** ½ (Σ_k |c_k/M − 1/K| + none/M) with M = Σ c_k + none. */
export function tvToUniform(counts: readonly number[], none = 0): number {
  const m = counts.reduce((a, b) => a + b, 0) + none;
  const k = counts.length;
  let s = none / m;
  for (const c of counts) s += Math.abs(c / m - 1 / k);
  return s / 2;
}

/** E[|distinct modes| / K] for M uniform draws from K modes: 1 − (1 − 1/K)^M. */
export function idealCoverage(k: number, m: number): number {
  return 1 - (1 - 1 / k) ** m;
}

/** Exact enumeration is used up to this many count vectors, Monte Carlo beyond. */
const MAX_ENUMERATION = 300_000;

/** E[TV] between the empirical histogram of M uniform draws from K modes and uniform. */
export function idealTv(k: number, m: number): number {
  if (binomial(m + k - 1, k - 1) <= MAX_ENUMERATION) {
    // Σ over count vectors c (Σc = M) of multinomial P(c) · TV(c).
    const logFact = [0];
    for (let i = 1; i <= m; i++) logFact.push(logFact[i - 1]! + Math.log(i));
    const base = logFact[m]! - m * Math.log(k);
    let total = 0;
    const counts = new Array<number>(k).fill(0);
    const visit = (pos: number, left: number, logP: number): void => {
      if (pos === k - 1) {
        counts[pos] = left;
        total += Math.exp(base + logP - logFact[left]!) * tvToUniform(counts);
        return;
      }
      for (let c = 0; c <= left; c++) {
        counts[pos] = c;
        visit(pos + 1, left - c, logP - logFact[c]!);
      }
    };
    visit(0, m, 0);
    return total;
  }
  const rng = Rng.derive('ideal-tv', k, m);
  const draws = 20_000;
  const tvs: number[] = [];
  for (let d = 0; d < draws; d++) {
    const counts = new Array<number>(k).fill(0);
    for (let i = 0; i < m; i++) counts[rng.int(k)]!++;
    tvs.push(tvToUniform(counts));
  }
  return mean(tvs);
}

function binomial(n: number, r: number): number {
  let b = 1;
  for (let i = 1; i <= r; i++) b = (b * (n - r + i)) / i;
  return b;
}
