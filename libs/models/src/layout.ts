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

/** Row-major transpose of `data` with `shape` by `perm` (out axis i = in axis perm[i]). */
export function transpose(data: Float32Array, shape: number[], perm: number[]): { data: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p]);
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  let acc = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = acc;
    acc *= shape[d];
  }
  const stride = perm.map((p) => inStrides[p]); // input stride of each output axis
  const out = new Float32Array(data.length);
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = data[src];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      src += stride[d];
      if (idx[d] < outShape[d]) break;
      src -= stride[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** The PyTorch shape of a parameter whose tfjs shape is `tfShape`. */
export function torchShape(tfShape: number[], layout: ParamLayout): number[] {
  const perm = TO_TF[layout];
  return perm === null ? [...tfShape] : invert(perm).map((p) => tfShape[p]);
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
