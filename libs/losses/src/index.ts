// @workbench/losses: BicycleGAN loss functions with the official reductions (LSGAN/vanilla GAN
// summed over D scales, L1 image loss, KL as a sum, latent L1).
export * from './gan-modes.js';
export * from './gan-loss.js';
export * from './reconstruction-losses.js';
