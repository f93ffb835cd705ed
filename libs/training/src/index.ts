// @workbench/training: The BicycleGAN training step (six methods), the training loop, checkpoints and resume.
export * from './adam.js';
export * from './lr-schedule.js';
export * from './methods.js';
export * from './networks.js';
export * from './bicycle-step.js';
export * from './build-networks.js';
export * from './checkpoint.js';
export * from './progress.js';
export * from './training-grid.js';
export * from './trainer.js';
export * from './training-evaluator.js';
export * from './step-memory.js';
