// Reading the official fixtures (fixtures/official/<config>/) for tests: tensors in forward.json
// are base64 little-endian float32 in PyTorch layouts (NCHW images, NC vectors).
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelOptions } from '../src/model-options.js';

export const FIXTURES = fileURLToPath(new URL('../../../fixtures/official/', import.meta.url));
export const FIXTURE_CONFIGS = ['input_resnet_nz8', 'input_conv_nz8', 'all_resnet_nz8', 'all_conv_nz8', 'all_resnet_nz2'] as const;

export interface JsonTensor {
  shape: number[];
  layout: string;
  b64: string;
}

export interface ForwardFixture {
  options: Record<string, unknown>;
  inputs: { A: JsonTensor; B: JsonTensor; z: JsonTensor };
  outputs: { G_A_z: JsonTensor; E_B_mu: JsonTensor; E_B_logvar: JsonTensor; D_B: JsonTensor[]; D2_B: JsonTensor[] };
  tol: { G_A_z: number; E_B_mu: number; E_B_logvar: number; D_B: number[]; D2_B: number[] };
  param_counts: { G: number; E: number; D: number; D2: number };
}

export function readForward(config: string): ForwardFixture {
  return JSON.parse(readFileSync(join(FIXTURES, config, 'forward.json'), 'utf8')) as ForwardFixture;
}

export function pthPath(config: string, net: 'G' | 'E' | 'D' | 'D2'): string {
  return join(FIXTURES, config, 'init', `latest_net_${net}.pth`);
}

/** The JSON tensor as a tfjs tensor, NCHW turned into NHWC. */
export function toTensor(t: JsonTensor): tf.Tensor {
  const buf = Buffer.from(t.b64, 'base64');
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const x = tf.tensor(data, t.shape, 'float32');
  if (t.layout !== 'NCHW') return x;
  const y = tf.transpose(x, [0, 2, 3, 1]);
  x.dispose();
  return y;
}

/** ModelOptions of a fixture, from its recorded official options. */
export function fixtureModelOptions(o: Record<string, unknown>): ModelOptions {
  return {
    encoder: String(o.netE).startsWith('resnet') ? 'resnet' : 'cnn',
    where_add: o.where_add as 'input' | 'all',
    nz: o.nz as number,
    ngf: o.ngf as number,
    ndf: o.ndf as number,
    nef: o.nef as number,
    norm: o.norm as 'instance',
    upsample: o.upsample as 'basic',
    use_dropout: o.use_dropout as boolean,
    num_Ds: o.num_Ds as number,
    conditional_D: o.conditional_D as boolean,
    init_gain: o.init_gain as number,
    cropSize: o.crop_size as number,
    inputNc: o.input_nc as number,
    outputNc: o.output_nc as number,
  };
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
