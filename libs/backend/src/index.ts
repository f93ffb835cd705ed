// @workbench/backend: picks the TensorFlow.js backend and registers the kernels wasm lacks.
export * from './select-backend.js';
export { registerWasmTrainingKernels, unregisterFastBackpropInput } from './wasm-training-kernels.js';
