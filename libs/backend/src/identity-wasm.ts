// A zero-copy Identity for the wasm backend. tfjs runs Identity for every tensor it saves for the
// backward pass (engine.saveTensorsForBackwardMode clones each one) and for tf.clone; the stock
// wasm kernel copies the whole buffer each time (852 copies in one 32 px BicycleGAN step, and at
// 256 px each saved activation twice on the 4 GiB heap). Sharing the buffer with a reference
// count, as the stock Reshape and the cpu backend's Identity do, is safe because no kernel writes
// into an input in place except the fused Adam, which only does so when its m and v buffers are
// exclusive (refCount 1; libs/backend/src/adam-update-wasm.ts).
import type * as tf from '@tensorflow/tfjs';
import type { KernelFunc, WasmBackend } from './wasm-heap.js';

export function makeIdentityWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return stock(args);
    (args.backend as WasmBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
