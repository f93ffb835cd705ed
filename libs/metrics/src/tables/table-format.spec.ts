import { describe, expect, it } from 'vitest';
import { evalMetricLabel } from './eval-labels.js';
import type { PaperTable } from './paper-tables.js';
import { formatTables } from './table-format.js';
import { meanInterval } from '../stats/mean-interval.js';

/** One seed's cell (no interval). */
const oneSeed = (v: number) => ({ ...meanInterval([v]), std: Number.NaN, samples: [v] });

// A table whose labels carry every LaTeX special character and a carriage return.
const table: PaperTable = {
  id: 'methods',
  title: 'Methods',
  labelColumns: [{ key: 'method', label: 'method' }],
  metrics: [{ key: 'mode_coverage', label: evalMetricLabel('mode_coverage'), digits: 3, better: 'higher' }],
  rows: [
    { labels: { method: 'a\\b~c^d_e{f}' }, config: { method: 'a\\b~c^d_e{f}' }, runIds: ['r1'], seeds: [0], values: { mode_coverage: oneSeed(0.5) } },
    { labels: { method: 'line\rbreak' }, config: { method: 'line\rbreak' }, runIds: ['r2'], seeds: [0], values: { mode_coverage: oneSeed(0.25) } },
  ],
  notes: [],
  referenceRow: 0,
};

describe('table formats escape what their readers treat specially', () => {
  it('LaTeX: backslash, tilde, caret and braces in one pass', () => {
    const tex = formatTables([table], 'latex');
    expect(tex).toContain('a\\textbackslash{}b\\textasciitilde{}c\\textasciicircum{}d\\_e\\{f\\}');
    expect(tex).not.toContain('\\textbackslash\\{\\}');
  });

  it('CSV: a field holding a bare \\r is quoted', () => {
    const csv = formatTables([table], 'csv');
    expect(csv).toContain('"method=line\rbreak"');
  });

  it('eval labels are the tables\' names', () => {
    expect(evalMetricLabel('diversity_lpips_v0.0')).toBe('LPIPS v0.0 diversity');
    expect(evalMetricLabel('reconstruction_l1')).toBe('reconstruction L1');
    expect(evalMetricLabel('custom_metric')).toBe('custom_metric');
  });
});
