import { describe, expect, it } from 'vitest';
import { NATIVE_MALLOC_ENV } from '@workbench/backend/malloc-env';
import { officialEnv, tableHeader, tableRow, type Round } from './side-by-side.js';

const side = (sPerIter: number, peakRssMB = 400): Round['wasm'] => ({ sPerIter, n: 5, peakRssMB });

describe('side by side with the official code', () => {
  it("gives the official process glibc's defaults or the workbench's malloc settings, never what the parent happens to have", () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, NATIVE_MALLOC_ENV); // e.g. a bench started from a shell that exports them
      const plain = officialEnv(2, 'default');
      for (const k of Object.keys(NATIVE_MALLOC_ENV)) expect(plain[k]).toBeUndefined();
      expect(plain['OMP_NUM_THREADS']).toBe('2');
      for (const k of Object.keys(NATIVE_MALLOC_ENV)) delete process.env[k];
      const tuned = officialEnv(1, 'workbench');
      expect(Object.fromEntries(Object.keys(NATIVE_MALLOC_ENV).map((k) => [k, tuned[k]]))).toEqual(NATIVE_MALLOC_ENV);
      expect(tuned['MKL_NUM_THREADS']).toBe('1');
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it('prints one official column and one ratio per malloc variant, each ratio the median of the per-round ratios', () => {
    const rounds: Round[] = [
      { off: { default: side(4), workbench: side(2) }, wasm: { n: 0, note: 'wasm alone not run' }, nat: side(3) },
      { off: { default: side(5), workbench: side(3) }, wasm: { n: 0, note: 'wasm alone not run' }, nat: side(4) },
      { off: { default: side(4), workbench: side(2.5) }, wasm: { n: 0, note: 'wasm alone not run' }, nat: side(3.5) },
    ];
    const header = tableHeader(['default', 'workbench']).split('\n');
    const row = tableRow({ res: 256, width: 64, batch: 2 }, 1, ['default', 'workbench'], rounds);
    const cells = row.split(' | ');
    expect(header[0]!.split(' | ')).toHaveLength(cells.length);
    expect(header[0]).toContain("official s/iter, glibc defaults | official s/iter, workbench's malloc settings");
    // official medians 4 and 2.5; native / official per round 0.75, 0.8, 0.875 and 1.5, 1.333, 1.4
    expect(cells.slice(4, 6)).toEqual(['4.00 (n 15)', '2.50 (n 15)']);
    expect(cells[9]).toBe('0.80 [0.75–0.88] / 1.40 [1.33–1.50]');
    expect(row).toContain('wasm alone not run');
    // one variant: one official column, plain ratios
    const one = tableRow({ res: 128, width: 16, batch: 8 }, 2, ['workbench'], rounds.slice(0, 1));
    expect(one.split(' | ')).toHaveLength(tableHeader(['workbench']).split('\n')[0]!.split(' | ').length);
    expect(one).toContain('| 1.50 |');
  });
});
