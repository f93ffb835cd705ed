import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { formatOverride, parseOverride, parseOverrides } from './overrides.js';

describe('parseOverride', () => {
  it('reads set, add, force and delete', () => {
    expect(parseOverride('model.nz=8')).toMatchObject({ kind: 'set', key: 'model.nz', value: 8 });
    expect(parseOverride('+experiment=paper/latent_size')).toMatchObject({ kind: 'add', key: 'experiment', value: 'paper/latent_size' });
    expect(parseOverride('++train.lr=1e-3')).toMatchObject({ kind: 'force', key: 'train.lr', value: 0.001 });
    expect(parseOverride('~data.root')).toMatchObject({ kind: 'delete', key: 'data.root' });
    expect(parseOverride('~data.root=x').value).toBeUndefined();
  });

  it('keeps = inside the value and whitespace-trimmed text', () => {
    expect(parseOverride("name='a=b'").value).toBe('a=b');
    expect(parseOverride('tracking.uri=http://h:1/x?a=b').value).toBe('http://h:1/x?a=b');
  });

  it('marks sweeps', () => {
    expect(parseOverride('seed=1,2,3').sweep).toEqual([1, 2, 3]);
    expect(parseOverride('seed=1').sweep).toBeUndefined();
  });

  it('rejects missing = and bad keys with a one-line fix', () => {
    expect(() => parseOverride('model.nz')).toThrow(/has no '=': write key=value/);
    expect(() => parseOverride('=3')).toThrow(ConfigError);
    expect(() => parseOverride('mo del=3')).toThrow(/is not a valid key/);
    expect(() => parseOverride('1abc=3')).toThrow(/is not a valid key/);
    for (const raw of ['model.nz', '=3', 'x="a']) {
      try {
        parseOverride(raw);
      } catch (err) {
        expect((err as Error).message).not.toContain('\n');
      }
    }
  });

  it('formats back canonically', () => {
    const raw = ['+experiment=paper/methods', "name='a b'", '~seed', 'model.nz=2,8', 'data.seed=07'];
    expect(parseOverrides(raw).map(formatOverride)).toEqual(['+experiment=paper/methods', "name='a b'", '~seed', 'model.nz=2,8', 'data.seed=7']);
  });
});
