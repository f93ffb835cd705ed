// @workbench/training: The BicycleGAN training step (six methods), the training loop, checkpoints and resume.
export {};
