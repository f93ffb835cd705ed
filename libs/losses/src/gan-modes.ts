// The GAN objectives (`model.gan_mode`). Import-free (no tfjs), so the config schema takes its
// allowed values from here (`@workbench/losses/gan-modes`).

export const GAN_MODES = ['lsgan', 'vanilla'] as const;
export type GanMode = (typeof GAN_MODES)[number];
