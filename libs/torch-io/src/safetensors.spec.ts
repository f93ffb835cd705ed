import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from './safetensors.js';
import type { StateDict } from './state-dict.js';

describe('safetensors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'safetensors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips tensors, order and metadata', () => {
    const dict: StateDict = new Map([
      ['z.last', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) }],
      ['a.first', { shape: [4], data: Float32Array.from([0.1, 0.2, 0.3, Math.PI]) }],
      ['scalar', { shape: [], data: Float32Array.from([7]) }],
    ]);
    const path = join(dir, 'sub', 'x.safetensors');
    writeSafetensors(path, dict, { kind: 'G', options: JSON.stringify({ nz: 8 }) });
    const { tensors, metadata } = readSafetensors(path);
    expect([...tensors.keys()]).toEqual(['z.last', 'a.first', 'scalar']);
    for (const [k, t] of dict) {
      expect(tensors.get(k)!.shape).toEqual(t.shape);
      expect([...tensors.get(k)!.data]).toEqual([...t.data]);
    }
    expect(metadata).toEqual({ kind: 'G', options: '{"nz":8}' });
  });

  it('writes the standard layout (u64 header length, JSON header, aligned data)', () => {
    const path = join(dir, 'layout.safetensors');
    writeSafetensors(path, new Map([['w', { shape: [2], data: Float32Array.from([1.5, -2]) }]]));
    const bytes = readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
    expect(header).toEqual({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    expect(bytes.readFloatLE(8 + n)).toBe(1.5);
    expect(bytes.readFloatLE(8 + n + 4)).toBe(-2);
  });

  it('fails clearly on a missing or foreign file', () => {
    expect(() => readSafetensors(join(dir, 'missing.safetensors'))).toThrow(/no such file/);
    const p = join(dir, 'junk.safetensors');
    writeFileSync(p, 'definitely not safetensors');
    expect(() => readSafetensors(p)).toThrow(/not a safetensors file/);
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => writeSafetensors(join(dir, 'bad.safetensors'), new Map([['w', { shape: [3], data: new Float32Array(2) }]]))).toThrow(
      /2 values for shape \[3\]/,
    );
  });
});
