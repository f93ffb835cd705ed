// @workbench/models: BicycleGAN networks (U-Net generator, ResNet/CNN encoders, multi-scale
// PatchGAN discriminators) with the official state_dict key names; registry; official import.
export * from './network.js';
export * from './generator.js';
export * from './encoder.js';
export * from './discriminator.js';
export * from './model-options.js';
export * from './registry.js';
export { EVAL, type RunContext } from './layers.js';
export { ParamStore, type ParamLayout, type ParamSpec } from './param-store.js';
export { blockGradient, instanceNorm, tileZ, avgPool3s2p1ExcludePad } from './ops.js';
export * from './official-import.js';
export * from './checkpoint.js';
export { transpose, torchShape, torchToTf, tfToTorch } from './layout.js';
export * from './infer-options.js';
