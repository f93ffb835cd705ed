// PyTorch <-> tfjs weight layouts. Every permutation used here is [2,3,1,0] (4-D) or [1,0] (2-D)
// and both are their own inverse's mirror: PyTorch->tfjs uses `perm`, tfjs->PyTorch its inverse.
import type { ParamLayout } from './param-store.js';

const TO_TF: Record<ParamLayout, number[] | null> = {
  conv: [2, 3, 1, 0], //   OIHW -> HWIO
  convT: [2, 3, 1, 0], //  IOHW -> [h,w,out,in] (tf.conv2dTranspose filter; no spatial flip)
  linear: [1, 0], //       OI   -> [in,out]
  vector: null,
};

function invert(perm: number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

/** `values` reordered by `perm` (out i = values[perm[i]]); an axis that `values` lacks is an error. */
function permute(values: readonly number[], perm: readonly number[]): number[] {
  return perm.map((p) => {
    const v = values[p];
    if (v === undefined) throw new Error(`permutation [${perm.join(',')}] names axis ${p} of a rank-${values.length} shape`);
    return v;
  });
}

/** Row-major transpose of `data` with `shape` by `perm` (out axis i = in axis perm[i]). */
export function transpose(data: Float32Array, shape: number[], perm: number[]): { data: Float32Array; shape: number[] } {
  const outShape = permute(shape, perm);
  const inStrides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  // Typed per-output-axis tables for the hot loop: every d below is < rank.
  const size = Float64Array.from(outShape);
  const stride = Float64Array.from(permute(inStrides, perm)); // input stride of each output axis
  const rank = size.length;
  const out = new Float32Array(data.length);
  const idx = new Float64Array(rank);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      src += stride[d]!;
      if (idx[d]! < size[d]!) break;
      src -= stride[d]! * size[d]!;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** The PyTorch shape of a parameter whose tfjs shape is `tfShape`. */
export function torchShape(tfShape: number[], layout: ParamLayout): number[] {
  const perm = TO_TF[layout];
  return perm === null ? [...tfShape] : permute(tfShape, invert(perm));
}

export function torchToTf(data: Float32Array, shape: number[], layout: ParamLayout): { data: Float32Array; shape: number[] } {
  const perm = TO_TF[layout];
  return perm === null ? { data, shape } : transpose(data, shape, perm);
}

export function tfToTorch(data: Float32Array, shape: number[], layout: ParamLayout): { data: Float32Array; shape: number[] } {
  const perm = TO_TF[layout];
  return perm === null ? { data, shape } : transpose(data, shape, invert(perm));
}

export const PYTORCH_LAYOUT_NAME: Record<ParamLayout, string> = { conv: 'OIHW', convT: 'IOHW', linear: 'OI', vector: 'O' };
