import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readPth } from './read-pth.js';
import { TorchIoError } from './state-dict.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/official/', import.meta.url));
const CONFIGS = ['input_resnet_nz8', 'input_conv_nz8', 'all_resnet_nz8', 'all_conv_nz8', 'all_resnet_nz2'];

interface ChecksumRow {
  name: string;
  shape: number[];
  sum: number;
  sum_sq: number;
  wsum: number;
}

function checksums(data: Float32Array): { sum: number; sum_sq: number; wsum: number } {
  let sum = 0;
  let sumSq = 0;
  let wsum = 0;
  const n = data.length;
  for (let k = 0; k < n; k++) {
    const x = data[k]!;
    sum += x;
    sumSq += x * x;
    wsum += (x * (k + 1)) / n;
  }
  return { sum, sum_sq: sumSq, wsum };
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(b), 1e-30) + 1e-300 || Math.abs(a - b) <= 1e-15;
}

describe('readPth on the official fixture checkpoints', () => {
  for (const config of CONFIGS) {
    it(`${config}: names, order, shapes and checksums match forward.json`, () => {
      const fwd = JSON.parse(readFileSync(join(FIXTURES, config, 'forward.json'), 'utf8')) as {
        state_dicts: Record<string, ChecksumRow[]>;
      };
      for (const net of ['G', 'E', 'D', 'D2']) {
        const sd = readPth(join(FIXTURES, config, 'init', `latest_net_${net}.pth`));
        const rows = fwd.state_dicts[net]!;
        expect([...sd.keys()]).toEqual(rows.map((r) => r.name));
        for (const row of rows) {
          const t = sd.get(row.name)!;
          expect(t.shape).toEqual(row.shape);
          const c = checksums(t.data);
          for (const key of ['sum', 'sum_sq', 'wsum'] as const) {
            if (!close(c[key], row[key])) throw new Error(`${config} ${net} ${row.name} ${key}: ${c[key]} vs ${row[key]}`);
          }
        }
      }
    });
  }

  it('reads from bytes as well as from a path', () => {
    const path = join(FIXTURES, 'all_resnet_nz8', 'init', 'latest_net_D.pth');
    const fromBytes = readPth(new Uint8Array(readFileSync(path)));
    expect([...fromBytes.keys()][0]).toBe('model_0.0.weight');
    expect(fromBytes.get('model_0.0.weight')!.shape).toEqual([8, 3, 4, 4]);
  });
});

describe('readPth integer storages', () => {
  it('converts int64 storages (BatchNorm num_batches_tracked) to float32', async () => {
    const { unzipSync, zipSync } = await import('fflate');
    const src = unzipSync(new Uint8Array(readFileSync(join(FIXTURES, 'all_resnet_nz8', 'init', 'latest_net_D.pth'))));
    const pkl = Buffer.from(src['latest_net_D/data.pkl']!).toString('latin1');
    const entries: Record<string, Uint8Array> = { 'latest_net_D/data.pkl': new Uint8Array(Buffer.from(pkl.replace('torch\nFloatStorage\n', 'torch\nLongStorage\n'), 'latin1')) };
    for (const [name, bytes] of Object.entries(src)) {
      if (!name.startsWith('latest_net_D/data/')) continue;
      const f = new Float32Array(bytes.slice().buffer);
      entries[name] = new Uint8Array(BigInt64Array.from(f, (v, i) => BigInt(Math.round(v * 1000) + i)).buffer);
    }
    const dir = mkdtempSync(join(tmpdir(), 'torch-io-long-'));
    const p = join(dir, 'long.pth');
    writeFileSync(p, zipSync(entries, { level: 0 }));
    const ints = readPth(p);
    rmSync(dir, { recursive: true, force: true });
    const floats = readPth(join(FIXTURES, 'all_resnet_nz8', 'init', 'latest_net_D.pth'));
    const w = floats.get('model_0.0.weight')!.data;
    expect(Array.from(ints.get('model_0.0.weight')!.data.slice(0, 5))).toEqual(Array.from(w.slice(0, 5), (v, i) => Math.round(v * 1000) + i));
  });
});

describe('readPth errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'torch-io-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('names a missing file', () => {
    expect(() => readPth(join(dir, 'nope.pth'))).toThrow(/nope\.pth: no such file/);
  });
  it('refuses a folder', () => {
    expect(() => readPth(dir)).toThrow(/not a file/);
  });
  it('refuses a file that is not a checkpoint', () => {
    const p = join(dir, 'text.pth');
    writeFileSync(p, 'hello world, not a checkpoint');
    expect(() => readPth(p)).toThrow(TorchIoError);
    expect(() => readPth(p)).toThrow(/not a PyTorch checkpoint/);
  });
  it('refuses a zip without data.pkl', async () => {
    const { zipSync } = await import('fflate');
    const p = join(dir, 'other.zip');
    writeFileSync(p, zipSync({ 'a/readme.txt': new TextEncoder().encode('x') }));
    expect(() => readPth(p)).toThrow(/no <name>\/data\.pkl/);
  });
  it('refuses a non-float32 tensor with the dtype named', async () => {
    // Re-label the storage class of a real checkpoint: GLOBAL opcodes are newline-terminated text.
    const { unzipSync, zipSync } = await import('fflate');
    const src = unzipSync(new Uint8Array(readFileSync(join(FIXTURES, 'all_resnet_nz8', 'init', 'latest_net_D.pth'))));
    const pkl = Buffer.from(src['latest_net_D/data.pkl']!).toString('latin1');
    expect(pkl).toContain('torch\nFloatStorage\n');
    const fixed = Buffer.from(pkl.replace('torch\nFloatStorage\n', 'torch\nHalfStorage\n'), 'latin1');
    const p = join(dir, 'long.pth');
    writeFileSync(p, zipSync({ ...src, 'latest_net_D/data.pkl': new Uint8Array(fixed) }, { level: 0 }));
    expect(() => readPth(p)).toThrow(/unsupported dtype HalfStorage/);
  });
});
