// AvgPoolGrad for float32 on wasm as a scatter: each dy value is added to the inputs of its window
// (channels innermost) in float64, then scaled by 1/window once, as tfjs's cpu kernel does. The stock XNNPACK-less C++ kernel gathers per
// input pixel and took 25 ms of a 128 px BicycleGAN step for 14 small calls (the multi-scale
// discriminators' 3×3 stride-2 downsampling); this takes a few.
import * as tf from '@tensorflow/tfjs';
import { allocate, heapF32, heapIndex, type KernelArgs, type WasmBackend } from './wasm-heap.js';

type StockKernelFunc = (args: KernelArgs) => tf.TensorInfo;

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function makeAvgPoolGradWasm(stock: StockKernelFunc): StockKernelFunc {
  return (args) => {
    const backend = args.backend as WasmBackend;
    const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as PoolAttrs;
    if (dy.dtype !== 'float32' || input.dtype !== 'float32') return stock(args);
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
    const dx = allocate(backend, input.shape);
    const heap = heapF32(backend);
    const dyAt = heapIndex(backend, dy);
    const dxAt = heapIndex(backend, dx);
    const acc = new Float64Array(batchSize * inHeight * inWidth * c); // [N,H,W,C]
    const scale = 1 / (filterHeight * filterWidth); // tfjs's avgMultiplier: padded cells count
    for (let b = 0; b < batchSize; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        const y0 = oy * strideHeight - info.padInfo.top;
        for (let ox = 0; ox < outWidth; ox++) {
          const x0 = ox * strideWidth - info.padInfo.left;
          const g = dyAt + ((b * outHeight + oy) * outWidth + ox) * c;
          for (let ky = Math.max(0, -y0); ky < filterHeight && y0 + ky < inHeight; ky++) {
            for (let kx = Math.max(0, -x0); kx < filterWidth && x0 + kx < inWidth; kx++) {
              const d = ((b * inHeight + y0 + ky) * inWidth + x0 + kx) * c;
              for (let ch = 0; ch < c; ch++) acc[d + ch]! += heap[g + ch]!;
            }
          }
        }
      }
    }
    for (let i = 0; i < acc.length; i++) heap[dxAt + i] = acc[i]! * scale;
    return dx;
  };
}
