// @workbench/models: BicycleGAN networks: U-Net generator, ResNet/CNN encoders, multi-scale PatchGAN discriminators, official-checkpoint import.
export {};
