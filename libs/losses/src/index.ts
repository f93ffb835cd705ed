// @workbench/losses: BicycleGAN loss functions: LSGAN/vanilla GAN, L1, KL, latent L1.
export {};
