// The resolved config's type is derived from SCHEMA; its `data` and `model` sections must stay
// the option types of the libraries that read them (checked by the typecheck target, which
// includes spec files), and every leaf's default must pass its own format.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DataConfig } from '@workbench/data/config';
import type { GanMode } from '@workbench/losses/gan-modes';
import type { ModelOptions } from '@workbench/models/options';
import { CUSTOM_FORMATS, schemaEntries, type ResolvedConfig } from './schema.js';

/** The same members as a plain object type (expect-type compares the derived conditional types
 *  of ResolvedConfig structurally only after this flattening). */
type Plain<T> = { [K in keyof T]: T[K] };

describe('ResolvedConfig (derived from SCHEMA)', () => {
  it('has the data and model option types of the libraries that read them', () => {
    expectTypeOf<Plain<ResolvedConfig['data']>>().toEqualTypeOf<Plain<DataConfig>>();
    expectTypeOf<Plain<ResolvedConfig['model']>>().toEqualTypeOf<
      Plain<Omit<ModelOptions, 'cropSize' | 'inputNc' | 'outputNc' | 'init_gain'> & { gan_mode: GanMode; init_gain: number }>
    >();
    expectTypeOf<ResolvedConfig['sweep']['job']>().toEqualTypeOf<string>();
    expectTypeOf<ResolvedConfig['launcher']['extra']>().toEqualTypeOf<string[]>();
  });

  it('every default passes its own format, and every custom format is used by a key', () => {
    const byName = new Map(CUSTOM_FORMATS.map((f) => [f.name as string, f]));
    const used = new Set<string>();
    for (const entry of schemaEntries()) {
      if (Array.isArray(entry.format)) {
        expect(entry.format, entry.key).toContain(entry.default);
        continue;
      }
      const format = byName.get(entry.format as string);
      expect(format, `${entry.key}: format ${String(entry.format)}`).toBeDefined();
      used.add(entry.format as string);
      expect(format?.test(entry.default), `${entry.key} default ${JSON.stringify(entry.default)}`).toBe(true);
    }
    expect([...byName.keys()].filter((n) => !used.has(n))).toEqual([]);
  });
});
