import { describe, expect, it } from 'vitest';
import { formatDuration } from './format-duration.js';

describe('formatDuration', () => {
  it('writes whole seconds, minutes+seconds, then hours+minutes, zero-padded after the first unit', () => {
    const cases: Array<[number, string]> = [
      [0, '0s'],
      [499, '0s'],
      [500, '1s'],
      [42_000, '42s'],
      [59_499, '59s'],
      [59_500, '1m00s'],
      [187_000, '3m07s'],
      [3_599_000, '59m59s'],
      [3_600_000, '1h00m'],
      [3_900_000, '1h05m'],
      [50 * 3_600_000 + 61_000, '50h01m'],
      [-5_000, '0s'], // clock skew: never a negative duration
    ];
    expect(cases.map(([ms]) => formatDuration(ms))).toEqual(cases.map(([, text]) => text));
  });

  it('shows the caller\'s placeholder for an unknown duration', () => {
    expect([formatDuration(null), formatDuration(undefined), formatDuration(Number.NaN), formatDuration(Infinity, '?')]).toEqual(['-', '-', '-', '?']);
    expect(formatDuration(null, '—')).toBe('—');
  });
});
