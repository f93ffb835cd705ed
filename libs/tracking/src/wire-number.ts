// JSON has no NaN or ±Infinity (JSON.stringify turns them into null), yet a NaN loss is exactly
// what a failing run reports. Records therefore carry non-finite numbers as the strings 'NaN',
// 'Infinity', '-Infinity'; null is read as NaN too.
export type WireNumber = number | null | 'NaN' | 'Infinity' | '-Infinity';

export function toWireNumber(v: number): WireNumber {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** undefined when `v` is not a number in any accepted spelling. */
export function fromWireNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === null || v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}
