import * as tf from '@tensorflow/tfjs';
import { readPth } from '@workbench/torch-io';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModelOptions, pthPath, readForward } from '../test/official-fixtures.js';
import { assignStateDict, loadNetwork, networkStateDict, saveNetwork, toOfficialStateDict } from './checkpoint.js';
import { transpose } from './layout.js';
import type { Network } from './network.js';
import { guessStateDict, importOfficial, OfficialImportError } from './official-import.js';
import type { ModelOptions } from './model-options.js';
import { buildNetworks } from './registry.js';

const opts = (config: string): ModelOptions => fixtureModelOptions(readForward(config).options);
const built: Network[] = [];
function nets(o: ModelOptions) {
  const n = buildNetworks(o, { seed: 5 });
  built.push(...(Object.values(n).filter(Boolean) as Network[]));
  return n;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => {
  for (const n of built.splice(0)) n.dispose();
});

describe('layout transposes', () => {
  it('match tf.transpose', () => {
    const shape = [3, 5, 2, 4];
    const data = Float32Array.from({ length: 120 }, (_, i) => i * 0.5 - 7);
    for (const perm of [[2, 3, 1, 0], [3, 2, 0, 1], [0, 2, 3, 1]]) {
      const ours = transpose(data, shape, perm);
      const ref = tf.transpose(tf.tensor(data, shape), perm);
      expect(ours.shape).toEqual(ref.shape);
      expect([...ours.data]).toEqual([...(ref.dataSync() as Float32Array)]);
      ref.dispose();
    }
  });
});

describe('importOfficial', () => {
  it('round-trips: import then export gives the official tensors back bit for bit', () => {
    const n = nets(opts('all_resnet_nz8'));
    for (const [kind, net] of [['G', n.G], ['E', n.E!], ['D', n.D]] as const) {
      const sd = readPth(pthPath('all_resnet_nz8', kind));
      importOfficial(net, sd);
      const back = toOfficialStateDict(net);
      expect([...back.keys()]).toEqual([...sd.keys()]);
      for (const [k, t] of sd) {
        expect(back.get(k)!.shape).toEqual(t.shape);
        expect(Buffer.from(back.get(k)!.data.buffer).equals(Buffer.from(t.data.buffer))).toBe(true);
      }
    }
  });

  it('explains a wrong nz', () => {
    const n = nets(opts('all_resnet_nz8'));
    const sd = readPth(pthPath('all_resnet_nz2', 'G'));
    expect(() => importOfficial(n.G, sd, 'latest_net_G.pth')).toThrow(OfficialImportError);
    expect(() => importOfficial(n.G, sd, 'latest_net_G.pth')).toThrow(
      /latest_net_G\.pth: 'model\.down\.0\.weight' has shape \[8,5,4,4\] in the file but the network needs \[8,11,4,4\] \(OIHW\);.*set model\.nz=2/,
    );
    expect(() => importOfficial(n.E!, readPth(pthPath('all_resnet_nz2', 'E')))).toThrow(/'fc\.0\.weight' has shape \[2,32\].*set model\.nz=2/);
  });

  it('explains a wrong encoder', () => {
    const n = nets(opts('all_resnet_nz8'));
    expect(() => importOfficial(n.E!, readPth(pthPath('all_conv_nz8', 'E')))).toThrow(/encoder=cnn.*set model\.encoder=cnn/);
  });

  it('explains a wrong where_add', () => {
    const n = nets(opts('all_resnet_nz8'));
    expect(() => importOfficial(n.G, readPth(pthPath('input_resnet_nz8', 'G')))).toThrow(/where_add=input.*set model\.where_add=input/);
  });

  it('explains a wrong file', () => {
    const n = nets(opts('all_resnet_nz8'));
    expect(() => importOfficial(n.G, readPth(pthPath('all_resnet_nz8', 'D')))).toThrow(/wrong file: it holds a D \(2 scale\(s\), ndf=8.*not a G/);
    expect(() => importOfficial(n.D, readPth(pthPath('all_resnet_nz8', 'E')))).toThrow(/wrong file: it holds an E \(encoder=resnet, nz=8/);
  });

  it('explains a wrong crop size', () => {
    const n = nets({ ...opts('all_resnet_nz8'), cropSize: 256 });
    expect(() => importOfficial(n.G, readPth(pthPath('all_resnet_nz8', 'G')))).toThrow(/set data\.crop_size=128/);
  });

  it('leaves the network untouched when the import fails', () => {
    const n = nets(opts('all_resnet_nz8'));
    const before = networkStateDict(n.G).get('model.down.0.weight')!.data.slice();
    const sd = readPth(pthPath('all_resnet_nz8', 'G'));
    sd.get('model.up.1.bias')!.shape = [99];
    expect(() => importOfficial(n.G, sd)).toThrow(/'model\.up\.1\.bias' has shape \[99\]/);
    expect([...networkStateDict(n.G).get('model.down.0.weight')!.data]).toEqual([...before]);
  });

  it('guesses the options of every fixture network', () => {
    expect(guessStateDict(readPth(pthPath('all_resnet_nz2', 'G')))).toMatchObject({ kind: 'G', whereAdd: 'all', nz: 2, width: 8, depth: 7 });
    expect(guessStateDict(readPth(pthPath('input_conv_nz8', 'G')))).toMatchObject({ kind: 'G', whereAdd: 'input', inChannels: 11, depth: 7 });
    expect(guessStateDict(readPth(pthPath('input_conv_nz8', 'E')))).toMatchObject({ kind: 'E', encoder: 'cnn', nz: 8, depth: 4 });
    expect(guessStateDict(readPth(pthPath('input_resnet_nz8', 'E')))).toMatchObject({ kind: 'E', encoder: 'resnet', nz: 8, depth: 4 });
    expect(guessStateDict(readPth(pthPath('input_resnet_nz8', 'D2')))).toMatchObject({ kind: 'D', numDs: 2, width: 8, depth: 2, inChannels: 3 });
  });
});

describe('saveNetwork / loadNetwork', () => {
  const dir = mkdtempSync(join(tmpdir(), 'models-ckpt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips every network exactly', () => {
    const a = nets(opts('all_conv_nz8'));
    const b = buildNetworks(opts('all_conv_nz8'), { seed: 99 });
    built.push(b.G, b.E!, b.D, b.D2!);
    for (const k of ['G', 'E', 'D', 'D2'] as const) {
      const path = join(dir, `${k}.safetensors`);
      saveNetwork(a[k]!, path, { step: '12' });
      const meta = loadNetwork(b[k]!, path);
      expect(meta).toMatchObject({ kind: a[k]!.kind, layout: 'tfjs', step: '12' });
      const x = networkStateDict(a[k]!);
      const y = networkStateDict(b[k]!);
      for (const [key, t] of x) expect([...y.get(key)!.data]).toEqual([...t.data]);
    }
  });

  it('refuses a checkpoint of other options or another network', () => {
    const a = nets(opts('all_resnet_nz8'));
    const b = nets(opts('all_resnet_nz2'));
    const path = join(dir, 'G-nz8.safetensors');
    saveNetwork(a.G, path);
    expect(() => loadNetwork(b.G, path)).toThrow(/'model\.down\.0\.weight' has shape \[4,4,11,8\] but the network needs \[4,4,5,8\]/);
    expect(() => loadNetwork(a.D, path)).toThrow(/holds a G network, not a D/);
  });

  it('assignStateDict checks every tensor before assigning any (training checkpoints load through it too)', () => {
    const w = tf.variable(tf.zeros([2]), true);
    const b = tf.variable(tf.zeros([3]), true);
    const vars = new Map([['w', w], ['b', b]]);
    const good = { shape: [2], data: new Float32Array([1, 2]) };
    expect(() => assignStateDict(vars, new Map([['w', good], ['b', { shape: [2], data: new Float32Array(2) }]]), 'x.safetensors')).toThrow(
      /x\.safetensors: 'b' has shape \[2\] but the network needs \[3\]/,
    );
    expect(() => assignStateDict(vars, new Map([['w', good], ['b', { shape: [3], data: new Float32Array(3) }], ['c', good]]), 'x.safetensors')).toThrow(
      /unexpected 'c'/,
    );
    expect([...w.dataSync()]).toEqual([0, 0]); // untouched: the failures came after 'w' was checked
    assignStateDict(vars, new Map([['w', good], ['b', { shape: [3], data: new Float32Array([3, 4, 5]) }]]), 'x.safetensors');
    expect([...w.dataSync(), ...b.dataSync()]).toEqual([1, 2, 3, 4, 5]);
    tf.dispose([w, b]);
  });
});

describe('inferModelOptions', () => {
  it('reads every option the fixture files determine', async () => {
    const { inferModelOptions } = await import('./infer-options.js');
    for (const config of ['input_conv_nz8', 'all_resnet_nz2']) {
      const o = opts(config);
      const inferred = inferModelOptions({
        G: readPth(pthPath(config, 'G')),
        E: readPth(pthPath(config, 'E')),
        D: readPth(pthPath(config, 'D')),
        D2: readPth(pthPath(config, 'D2')),
      });
      expect(inferred).toEqual({
        encoder: o.encoder, where_add: o.where_add, nz: o.nz, ngf: 8, nef: 8, ndf: 8, cropSize: 128,
        inputNc: 3, outputNc: 3, upsample: 'basic', num_Ds: 2, conditional_D: false,
      });
    }
  });
});
