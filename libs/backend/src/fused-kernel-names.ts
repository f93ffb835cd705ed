// Names of the fused kernels this library registers for wasm, without TensorFlow.js: the model ops
// (libs/models/src/ops.ts) import them through `@workbench/backend/fused-kernels`, run the fused
// kernel when the active backend has it, and compose stock ops where it does not.

/** x [N,H,W,C] -> [y [N,H,W,C], rstd [N,1,1,C]]; attrs { eps }. */
export const INSTANCE_NORM_KERNEL = 'WorkbenchInstanceNorm';
/** { dy, y, rstd } -> dx [N,H,W,C]: rstd·(dy − mean(dy) − y·mean(dy·y)), means over H×W. */
export const INSTANCE_NORM_GRAD_KERNEL = 'WorkbenchInstanceNormGrad';
/** { dy, x } -> dx: dy where x > 0, else alpha·dy; attrs { alpha }. */
export const LEAKY_RELU_GRAD_KERNEL = 'WorkbenchLeakyReluGrad';
