// The verdict rules of a paper claim checked on grouped seeds: a claim is "reproduced" only when
// the test over seeds says so at the 5 % level, "not reproduced" when the data say the opposite,
// and "inconclusive" otherwise (too few seeds, or a difference the seeds cannot resolve).
import { studentTQuantile } from '../stats/student-t.js';
import { welchTest } from '../stats/welch-test.js';
import type { TableCell } from '../tables/paper-tables.js';

export type Verdict = 'reproduced' | 'not reproduced' | 'inconclusive' | 'not run';

export interface VerdictResult {
  verdict: Verdict;
  /** Why, in numbers: the difference with its 95 % interval and Welch's p. */
  reason: string;
}

/** Two-sided level of every claim test (as the tables' `*`). */
export const CLAIM_ALPHA = 0.05;

/** Relative size under which a difference counts as "small" for claims of no effect. */
export const SMALL_DIFFERENCE = 0.1;

export interface Difference {
  /** mean(a) − mean(b) */
  diff: number;
  /** Welch 95 % interval of the difference */
  lo: number;
  hi: number;
  p: number;
}

/** Welch's difference of two groups of seeds; undefined when either has fewer than 2 seeds or no spread. */
export function welchDifference(a: TableCell, b: TableCell): Difference | undefined {
  const w = welchTest(a.samples, b.samples);
  if (!Number.isFinite(w.p)) return undefined;
  const diff = a.mean - b.mean;
  const se = Math.sqrt(a.sd ** 2 / a.n + b.sd ** 2 / b.n);
  const half = studentTQuantile(1 - CLAIM_ALPHA / 2, w.df) * se;
  return { diff, lo: diff - half, hi: diff + half, p: w.p };
}

const num = (x: number, digits: number) => (Math.abs(x) < 10 ** -digits / 2 ? (0).toFixed(digits) : x.toFixed(digits));

function describe(d: Difference, digits: number): string {
  return `difference ${num(d.diff, digits)} [${num(d.lo, digits)}, ${num(d.hi, digits)}], Welch p = ${d.p < 0.001 ? d.p.toExponential(1) : d.p.toFixed(3)}`;
}

function tooFew(a: TableCell, b: TableCell): VerdictResult {
  return { verdict: 'inconclusive', reason: `no test: needs ≥ 2 seeds with spread in both groups (n = ${a.n} and ${b.n})` };
}

/**
 * "a is better than b" on a metric where `better` says which way is better. Reproduced when the
 * difference is significant in that direction, not reproduced when significant the other way.
 */
export function betterThan(a: TableCell, b: TableCell, better: 'higher' | 'lower', digits: number): VerdictResult {
  const d = welchDifference(a, b);
  if (!d) return tooFew(a, b);
  const text = describe(d, digits);
  if (d.p >= CLAIM_ALPHA) return { verdict: 'inconclusive', reason: `${text}: the seeds do not separate them` };
  const rightWay = better === 'higher' ? d.diff > 0 : d.diff < 0;
  return rightWay ? { verdict: 'reproduced', reason: text } : { verdict: 'not reproduced', reason: `${text}: significant the other way` };
}

/**
 * "a and b differ little": reproduced when the whole 95 % interval of the difference lies within
 * ±`SMALL_DIFFERENCE` of b's mean (an equivalence test), not reproduced when the difference is
 * significant and larger than that.
 */
export function similarTo(a: TableCell, b: TableCell, digits: number): VerdictResult {
  const d = welchDifference(a, b);
  if (!d) return tooFew(a, b);
  const bound = SMALL_DIFFERENCE * Math.abs(b.mean);
  const text = `${describe(d, digits)}; "small" = within ±${num(bound, digits)} (${SMALL_DIFFERENCE * 100} % of the reference)`;
  if (d.lo >= -bound && d.hi <= bound) return { verdict: 'reproduced', reason: text };
  if (d.p < CLAIM_ALPHA && Math.abs(d.diff) > bound) return { verdict: 'not reproduced', reason: `${text}: significant and larger` };
  return { verdict: 'inconclusive', reason: `${text}: the interval is wider than that` };
}

/** "the value is at most `limit`" (e.g. a collapsed method's coverage): judged on the 95 % interval. */
export function atMost(a: TableCell, limit: number, digits: number): VerdictResult {
  if (a.n < 2 || !Number.isFinite(a.hi)) return { verdict: 'inconclusive', reason: `no interval: 1 seed (value ${num(a.mean, digits)}, limit ${num(limit, digits)})` };
  const text = `95 % interval [${num(a.lo, digits)}, ${num(a.hi, digits)}] against the limit ${num(limit, digits)}`;
  if (a.hi <= limit) return { verdict: 'reproduced', reason: text };
  if (a.lo > limit) return { verdict: 'not reproduced', reason: `${text}: entirely above it` };
  return { verdict: 'inconclusive', reason: `${text}: straddles it` };
}

/** Combines the verdicts of a claim's parts: any part not reproduced → not reproduced; all reproduced → reproduced. */
export function allOf(parts: readonly Verdict[]): Verdict {
  if (parts.length === 0 || parts.includes('not run')) return 'not run';
  if (parts.includes('not reproduced')) return 'not reproduced';
  return parts.every((p) => p === 'reproduced') ? 'reproduced' : 'inconclusive';
}
