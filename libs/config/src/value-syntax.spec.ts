import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { formatValue, parseValue, type ConfigValue } from './value-syntax.js';

const value = (text: string) => {
  const p = parseValue(text);
  if (p.kind !== 'value') throw new Error(`expected a single value from ${text}`);
  return p.value;
};
const sweep = (text: string) => {
  const p = parseValue(text);
  if (p.kind !== 'sweep') throw new Error(`expected a sweep from ${text}`);
  return p.values;
};

describe('parseValue', () => {
  it('types primitives like Hydra', () => {
    expect(value('8')).toBe(8);
    expect(value('-3')).toBe(-3);
    expect(value('2e-4')).toBe(0.0002);
    expect(value('.5')).toBe(0.5);
    expect(value('true')).toBe(true);
    expect(value('False')).toBe(false);
    expect(value('null')).toBe(null);
    expect(value('resnet')).toBe('resnet');
    expect(value('')).toBe('');
    expect(value('runs/a-b_c.d')).toBe('runs/a-b_c.d');
  });

  it('keeps quoted text as strings, with escapes', () => {
    expect(value("'8'")).toBe('8');
    expect(value('"a, b"')).toBe('a, b');
    expect(value("'it\\'s'")).toBe("it's");
    expect(value("'[x]'")).toBe('[x]');
  });

  it('parses lists and dicts as one value', () => {
    expect(value('[a,b]')).toEqual(['a', 'b']);
    expect(value('[1, 2.5, true, null]')).toEqual([1, 2.5, true, null]);
    expect(value("[[1,2],['x,y']]")).toEqual([[1, 2], ['x,y']]);
    expect(value('[]')).toEqual([]);
    expect(value('{a: 1, b: [x]}')).toEqual({ a: 1, b: ['x'] });
  });

  it('keeps ${...} interpolations intact', () => {
    expect(value('${method}_nz${model.nz}')).toBe('${method}_nz${model.nz}');
    expect(value('${oc.env:HOME,/tmp}')).toBe('${oc.env:HOME,/tmp}');
  });

  it('reads top-level commas, range() and choice() as sweeps', () => {
    expect(sweep('2,8,256')).toEqual([2, 8, 256]);
    expect(sweep('resnet, cnn')).toEqual(['resnet', 'cnn']);
    expect(sweep('[1,2],[3]')).toEqual([[1, 2], [3]]);
    expect(sweep('range(1,4)')).toEqual([1, 2, 3]);
    expect(sweep('range(3)')).toEqual([0, 1, 2]);
    expect(sweep('range(0,1,0.25)')).toEqual([0, 0.25, 0.5, 0.75]);
    expect(sweep('range(5,0,-2)')).toEqual([5, 3, 1]);
    expect(sweep('choice(a, "b c")')).toEqual(['a', 'b c']);
    expect(value('a\\,b')).toBe('a,b');
  });

  it('rejects bad syntax with the position', () => {
    const bad = ["'open", '[1,2', '{a 1}', '1,', 'a]', 'range(a,b)', 'range(1,2,0)', 'x]y'];
    for (const text of bad) expect(() => parseValue(text, 'override k')).toThrow(ConfigError);
    expect(() => parseValue("'open", 'override k')).toThrow(/unterminated ' quote at column/);
    expect(() => parseValue('[1,2')).toThrow(/expected ',' or '\]' in list/);
    expect(() => parseValue('1,')).toThrow(/trailing comma/);
  });
});

describe('formatValue', () => {
  it('round-trips through parseValue', () => {
    const values: ConfigValue[] = [8, 0.0002, -1, true, null, 'resnet', '8', 'a b', "it's", '', 'true', [1, 'x', [2]], { a: 1 }, 'paper/x', '${seed}_a'];
    for (const v of values) expect(value(formatValue(v))).toEqual(v);
  });
  it('leaves plain words unquoted', () => {
    expect(formatValue('resnet')).toBe('resnet');
    expect(formatValue('paper/encoder_injection')).toBe('paper/encoder_injection');
    expect(formatValue('8')).toBe("'8'");
  });
});
