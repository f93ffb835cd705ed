// @workbench/torch-io: Reads PyTorch .pth files (zip and legacy pickle formats) and writes/reads safetensors checkpoints.
export {};
