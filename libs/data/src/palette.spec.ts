import { describe, expect, it } from 'vitest';
import { BACKGROUND_COLORS, FILL_COLORS, makePalette, minPairwiseDistance } from './palette.js';

describe('palette', () => {
  it('keeps every fill and background colour at least 95 apart (byte units)', () => {
    expect(minPairwiseDistance([...FILL_COLORS, ...BACKGROUND_COLORS])).toBeGreaterThan(95);
    // The default K = 6 modes are farther apart still.
    expect(minPairwiseDistance(FILL_COLORS.slice(0, 6))).toBeGreaterThan(130);
  });

  it('takes the first K fills and the first background colours', () => {
    const p = makePalette(3, 2);
    expect(p.fills).toEqual(FILL_COLORS.slice(0, 3));
    expect(p.backgrounds).toEqual([
      [255, 255, 255],
      [120, 120, 120],
    ]);
  });
});
