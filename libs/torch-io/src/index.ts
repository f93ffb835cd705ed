// @workbench/torch-io: reads PyTorch .pth files (zip and legacy pickle formats) and writes/reads safetensors checkpoints.
export * from './state-dict.js';
export { readPth } from './read-pth.js';
export { isLegacyPth, readLegacyPth, LegacyPthError } from './legacy-pth.js';
export { readSafetensors, writeSafetensors } from './safetensors.js';
