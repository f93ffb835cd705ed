// @workbench/backend: picks the TensorFlow.js backend and registers the kernels wasm lacks.
export * from './select-backend.js';
export { registerWasmTrainingKernels, unregisterAccurateReductions, unregisterFastBackpropInput } from './wasm-training-kernels.js';
export { asWasmHeapError, resetWasmHeapPeak, wasmHeapStats, watchWasmHeap, WasmHeapExhaustedError, WASM_HEAP_LIMIT_BYTES, type WasmHeapStats } from './wasm-heap-watch.js';
export { adamUpdateWasm, type AdamCoefficients } from './adam-update-wasm.js';
export { forceNativeConvRoute, nativeConvCalls, setNativeConvs, type NativeConvStatus } from './native/native-convs.js';
export { nativeRoute, type ConvRole, type ConvRoute } from './native/native-conv-kernels.js';
export { ortRuntime } from './native/ort-session.js';
