// UnsortedSegmentSum for the wasm backend, which ships none. It is the gradient of tf.gather
// (GatherV2), so without it nothing behind a gather (index selection, embedding lookups) trains.
//   out[s, ...] = Σ_{i : ids[i] = s} x[i, ...],  ids outside [0, numSegments) are dropped (as TF).
import * as tf from '@tensorflow/tfjs';
import { heapF32, heapIndex, type KernelArgs, type WasmBackend } from './wasm-heap.js';

export function unsortedSegmentSumWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackend;
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const numSegments = (args.attrs as { numSegments: number }).numSegments;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`wasm UnsortedSegmentSum supports float32 and int32 tensors, got ${x.dtype}`);
  }
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1); // size per id
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
  const f32 = heapF32(backend);
  // float32 and int32 share the heap; view it with the tensor's element type.
  const heap = x.dtype === 'float32' ? f32 : new Int32Array(f32.buffer);
  const ids = new Int32Array(f32.buffer);
  const idsAt = heapIndex(backend, segmentIds);
  const xAt = heapIndex(backend, x);
  const outAt = heapIndex(backend, out);
  heap.fill(0, outAt, outAt + numSegments * inner);
  for (let i = 0; i < rows; i++) {
    const s = ids[idsAt + i]!; // i < rows: inside the ids block
    if (s < 0 || s >= numSegments) continue;
    const src = xAt + i * inner;
    const dst = outAt + s * inner;
    for (let j = 0; j < inner; j++) heap[dst + j]! += heap[src + j]!;
  }
  return out;
}
