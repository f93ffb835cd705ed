// Reads fixtures/lpips/distances.json (the reference LPIPS values; see fixtures/lpips/README.md).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { LpipsVersion } from '../src/lpips/lpips.js';

export const LPIPS_FIXTURE_DIR = fileURLToPath(new URL('../../../fixtures/lpips/', import.meta.url));

export interface EncodedTensor {
  shape: number[];
  layout: string;
  b64: string;
}

export interface FixturePair {
  name: string;
  in0: EncodedTensor;
  in1: EncodedTensor;
  lpips: Record<LpipsVersion, { distance: number; per_layer: number[] }>;
  debug_taps_in0?: Record<LpipsVersion, Record<string, EncodedTensor>>;
}

export function decodeFloats(t: EncodedTensor): Float32Array {
  const b = Buffer.from(t.b64, 'base64');
  return new Float32Array(new Uint8Array(b).buffer); // copy: Buffer memory may be unaligned
}

/** An NCHW fixture tensor as an NHWC tfjs tensor. */
export function nchwToNhwc(t: EncodedTensor): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.tensor4d(decodeFloats(t), t.shape as [number, number, number, number]), [0, 2, 3, 1]));
}

export function loadLpipsFixture(): { pairs: FixturePair[] } {
  return JSON.parse(readFileSync(`${LPIPS_FIXTURE_DIR}distances.json`, 'utf8')) as { pairs: FixturePair[] };
}
