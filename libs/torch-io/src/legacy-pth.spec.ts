import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLegacyPth, LegacyPthError, readLegacyPth } from './legacy-pth.js';
import { readPth } from './read-pth.js';

const lpipsDir = fileURLToPath(new URL('../../../fixtures/lpips/', import.meta.url));

function refWeights(version: string): Map<string, { shape: number[]; data: Float32Array }> {
  const json = JSON.parse(readFileSync(`${lpipsDir}distances.json`, 'utf8')) as {
    lin: Record<string, { weights: Record<string, { shape: number[]; b64: string }> }>;
  };
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [k, t] of Object.entries(json.lin[version]!.weights)) {
    const b = Buffer.from(t.b64, 'base64');
    out.set(k, { shape: t.shape, data: new Float32Array(new Uint8Array(b).buffer) });
  }
  return out;
}

describe('readLegacyPth (pickle-stream .pth)', () => {
  for (const version of ['0.0', '0.1']) {
    it(`reads the LPIPS v${version} lin weights byte for byte`, () => {
      const bytes = readFileSync(`${lpipsDir}lin_v${version}_alex.pth`);
      expect(isLegacyPth(bytes)).toBe(true);
      const sd = readLegacyPth(bytes);
      const ref = refWeights(version);
      expect([...sd.keys()]).toEqual([...ref.keys()]);
      for (const [k, t] of sd) {
        expect(t.shape).toEqual(ref.get(k)!.shape);
        expect(Array.from(t.data)).toEqual(Array.from(ref.get(k)!.data));
      }
    });
  }

  it('refuses zip-format and truncated files with a clear message', () => {
    const zip = readFileSync(`${lpipsDir}alex_features_random.pth`).subarray(0, 64);
    expect(isLegacyPth(zip)).toBe(false);
    expect(() => readLegacyPth(zip)).toThrow(/not a legacy \.pth file.*readPth/);
    const full = readFileSync(`${lpipsDir}lin_v0.1_alex.pth`);
    expect(() => readLegacyPth(full.subarray(0, full.length - 100))).toThrow(LegacyPthError);
  });

  it('readPth reads legacy files too and names the file when one is damaged', () => {
    const full = readFileSync(`${lpipsDir}lin_v0.1_alex.pth`);
    expect([...readPth(`${lpipsDir}lin_v0.1_alex.pth`).keys()]).toEqual([...readLegacyPth(full).keys()]);
    const dir = mkdtempSync(join(tmpdir(), 'legacy-pth-'));
    try {
      const cut = join(dir, 'cut.pth');
      writeFileSync(cut, full.subarray(0, full.length - 100));
      expect(() => readPth(cut)).toThrow(LegacyPthError);
      expect(() => readPth(cut)).toThrow(/cut\.pth: legacy \.pth is truncated/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
