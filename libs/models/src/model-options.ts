// What the networks can be built with: the allowed values of the `model.*` options, the options
// type and the official defaults. Import-free (no tfjs), so the config schema takes its allowed
// values and defaults from here (`@workbench/models/options`) instead of repeating them.

export const ENCODERS = ['resnet', 'cnn'] as const;
export const WHERE_ADD = ['input', 'all'] as const;
export const NORMS = ['instance', 'batch', 'none'] as const;
export const UPSAMPLES = ['basic', 'bilinear'] as const;

export type EncoderKind = (typeof ENCODERS)[number];
export type WhereAdd = (typeof WHERE_ADD)[number];
export type NormKind = (typeof NORMS)[number];
export type UpsampleKind = (typeof UPSAMPLES)[number];

/** `config.model` (snake_case as in the config schema) plus the data sizes. */
export interface ModelOptions {
  encoder: EncoderKind;
  where_add: WhereAdd;
  nz: number;
  ngf: number;
  ndf: number;
  nef: number;
  norm: NormKind;
  upsample: UpsampleKind;
  use_dropout: boolean;
  num_Ds: number;
  conditional_D: boolean;
  /** xavier normal gain (default 0.02). */
  init_gain?: number;
  cropSize: number;
  inputNc: number;
  outputNc: number;
}

export const DEFAULT_MODEL_OPTIONS: ModelOptions & { init_gain: number } = {
  encoder: 'resnet',
  where_add: 'all',
  nz: 8,
  ngf: 64,
  ndf: 64,
  nef: 64,
  norm: 'instance',
  upsample: 'basic',
  use_dropout: true,
  num_Ds: 2,
  conditional_D: false,
  init_gain: 0.02,
  cropSize: 256,
  inputNc: 3,
  outputNc: 3,
};
