import { describe, expect, it } from 'vitest';
import { formatTable } from './format-table.js';

const header = ['#', 'job', 'status'];
const rows = [
  ['1', 'j-long-name', 'finished'],
  ['12', 'j2', ''],
];

describe('formatTable', () => {
  it('plain: columns two spaces apart, widest cell wins, trailing blanks trimmed, optional dashed rule', () => {
    expect(formatTable(header, rows, { rule: true })).toBe(['#   job          status', '--  -----------  --------', '1   j-long-name  finished', '12  j2'].join('\n'));
    expect(formatTable(header, rows).split('\n')).toHaveLength(3);
  });

  it('right-aligns the columns asked for', () => {
    expect(formatTable(header, rows, { align: ['right'] })).toBe([' #  job          status', ' 1  j-long-name  finished', '12  j2'].join('\n'));
  });

  it('markdown: a GitHub table with its rule', () => {
    expect(formatTable(['a', 'bb'], [['xyz', '1']], { style: 'markdown' })).toBe(['| a   | bb |', '|-----|----|', '| xyz | 1  |'].join('\n'));
  });

  it('a header alone, and a row of the wrong length is a bug', () => {
    expect(formatTable(['id', 'status'], [], { rule: true })).toBe('id  status\n--  ------');
    expect(() => formatTable(['a', 'b'], [['1']])).toThrow('internal: a table row has 1 cells, the header 2');
  });
});
