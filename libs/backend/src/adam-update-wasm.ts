// One fused Adam update of a parameter on the wasm heap, in place of ~12 tfjs kernels per
// parameter tensor (each a dispatch and a full-size temporary: at 256 px / ngf 64 those
// temporaries alone were ~2 GiB of G's Adam step).
//
// The arithmetic is PyTorch 1.13's single-tensor Adam, rounded to float32 after every operation
// as its CPU kernels do:
//   m = m·β1 + (1−β1)·g                      exp_avg.mul_(β1).add_(g, alpha=1−β1)
//   v = v·β2 + ((1−β2)·g)·g                  exp_avg_sq.mul_(β2).addcmul_(g, g, value=1−β2)
//   denom = sqrt(v) / sqrt(1−β2^t) + eps
//   p = p + ((−lr/(1−β1^t))·m) / denom       param.addcdiv_(exp_avg, denom, value=−step_size)
// m and v are updated in place (they are never a kernel's cached weights); p gets a new buffer that
// the caller assigns, because XNNPACK caches packed conv/matmul weights by tensor id and would
// keep using the old values of a parameter changed in place.
import * as tf from '@tensorflow/tfjs';
import { allocate, heapF32, heapIndex, type WasmBackend } from './wasm-heap.js';

export interface AdamCoefficients {
  beta1: number;
  beta2: number;
  eps: number;
  /** lr / (1 − β1^t) */
  stepSize: number;
  /** sqrt(1 − β2^t) */
  biasCorrection2Sqrt: number;
}

function isExclusiveFloat32(backend: WasmBackend, t: tf.Tensor): boolean {
  return t.dtype === 'float32' && backend.refCount(t.dataId) === 1;
}

/**
 * Updates `m` and `v` in place and returns the new parameter value (a new tensor; the caller
 * assigns it to `p` and disposes it), or undefined when the fused path does not apply (another
 * backend, or m/v share their buffer with another tensor): then the caller uses tfjs ops.
 * `g` undefined counts as a zero gradient.
 */
export function adamUpdateWasm(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor | undefined, c: AdamCoefficients): tf.Tensor | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as WasmBackend;
  if (!isExclusiveFloat32(backend, m) || !isExclusiveFloat32(backend, v) || p.dtype !== 'float32' || (g !== undefined && g.dtype !== 'float32')) return undefined;
  const out = allocate(backend, p.shape.slice());
  const heap = heapF32(backend); // after the allocation: the heap may have grown
  const n = p.size;
  const pAt = heapIndex(backend, p);
  const mAt = heapIndex(backend, m);
  const vAt = heapIndex(backend, v);
  const oAt = heapIndex(backend, out);
  const f = Math.fround;
  const b1 = f(c.beta1);
  const b2 = f(c.beta2);
  const a1 = f(1 - c.beta1);
  const a2 = f(1 - c.beta2);
  const bc2 = f(c.biasCorrection2Sqrt);
  const eps = f(c.eps);
  const negStep = f(-c.stepSize);
  if (g === undefined) {
    for (let i = 0; i < n; i++) {
      const mi = f(heap[mAt + i]! * b1);
      const vi = f(heap[vAt + i]! * b2);
      heap[mAt + i] = mi;
      heap[vAt + i] = vi;
      const denom = f(f(f(Math.sqrt(vi)) / bc2) + eps);
      heap[oAt + i] = f(heap[pAt + i]! + f(f(negStep * mi) / denom));
    }
  } else {
    const gAt = heapIndex(backend, g);
    for (let i = 0; i < n; i++) {
      const gi = heap[gAt + i]!;
      // add_(g, alpha): one fused multiply-add in ATen's vectorised kernel; (1−β1)·g is exact in float64
      const mi = f(f(heap[mAt + i]! * b1) + a1 * gi);
      const vi = f(f(heap[vAt + i]! * b2) + f(f(a2 * gi) * gi));
      heap[mAt + i] = mi;
      heap[vAt + i] = vi;
      const denom = f(f(f(Math.sqrt(vi)) / bc2) + eps);
      heap[oAt + i] = f(heap[pAt + i]! + f(f(negStep * mi) / denom));
    }
  }
  return tf.engine().makeTensorFromTensorInfo(out);
}
