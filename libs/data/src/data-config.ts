// The `data.*` config keys this library reads (names as in docs/ARCHITECTURE.md), their allowed
// values and defaults, and the checks that turn a bad value into a one-line DataError. Free of
// tfjs and sharp, so the config schema takes its allowed values and defaults from here
// (`@workbench/data/config`) instead of repeating them.
import { DataError } from './data-error.js';
import { MAX_BACKGROUND_MODES, MAX_MODES } from './palette.js';
import { MAX_SHAPES } from './shapes-layout.js';

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

export const DATASETS = ['shapes', 'aligned'] as const;
export const DIRECTIONS = ['AtoB', 'BtoA'] as const;
export const PREPROCESS_MODES = ['resize_and_crop', 'crop', 'scale_width', 'scale_width_and_crop', 'none'] as const;
export type DatasetKind = (typeof DATASETS)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type Preprocess = (typeof PREPROCESS_MODES)[number];

export interface DataConfig {
  /** `shapes` (built in) or `aligned` (pix2pix A|B folders under `root`). */
  dataset: DatasetKind;
  root: string;
  direction: Direction;
  load_size: number;
  crop_size: number;
  preprocess: Preprocess;
  no_flip: boolean;
  input_nc: 1 | 3;
  output_nc: 1 | 3;
  train_size: number;
  test_size: number;
  num_modes: number;
  max_shapes: number;
  background_modes: number;
  seed: number;
}

export const DATA_DEFAULTS: DataConfig = {
  dataset: 'shapes',
  root: '',
  direction: 'AtoB',
  load_size: 286,
  crop_size: 256,
  preprocess: 'resize_and_crop',
  no_flip: false,
  input_nc: 3,
  output_nc: 3,
  train_size: 2000,
  test_size: 200,
  num_modes: 6,
  max_shapes: 3,
  background_modes: 1,
  seed: 1234,
};

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T))
    throw new DataError(`data.${key}=${String(value)} is not valid: use one of ${allowed.join(', ')}`);
  return value as T;
}

function intIn(key: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi)
    throw new DataError(`data.${key}=${String(value)} is not valid: use an integer from ${lo} to ${hi}`);
  return value;
}

/** Fill in defaults and check every key; unknown keys are ignored (they belong to other libs). */
export function resolveDataConfig(partial: Partial<DataConfig> = {}): DataConfig {
  const c = { ...DATA_DEFAULTS, ...partial } as DataConfig;
  oneOf('dataset', c.dataset, DATASETS);
  oneOf('direction', c.direction, DIRECTIONS);
  oneOf('preprocess', c.preprocess, PREPROCESS_MODES);
  if (typeof c.no_flip !== 'boolean') throw new DataError(`data.no_flip=${String(c.no_flip)} is not valid: use true or false`);
  if (c.input_nc !== 1 && c.input_nc !== 3) throw new DataError(`data.input_nc=${String(c.input_nc)} is not valid: use 1 (grayscale) or 3 (RGB)`);
  if (c.output_nc !== 1 && c.output_nc !== 3) throw new DataError(`data.output_nc=${String(c.output_nc)} is not valid: use 1 (grayscale) or 3 (RGB)`);
  intIn('load_size', c.load_size, 1, 8192);
  intIn('crop_size', c.crop_size, 1, 8192);
  intIn('seed', c.seed, 0, Number.MAX_SAFE_INTEGER);
  if (c.dataset === 'shapes') {
    intIn('crop_size', c.crop_size, 32, 256);
    intIn('train_size', c.train_size, 1, 1e9);
    intIn('test_size', c.test_size, 1, 1e9);
    intIn('num_modes', c.num_modes, 1, MAX_MODES);
    intIn('max_shapes', c.max_shapes, 1, MAX_SHAPES);
    intIn('background_modes', c.background_modes, 1, MAX_BACKGROUND_MODES);
    if (c.output_nc !== 3) throw new DataError('data.output_nc=1 is not valid for shapes: its fills are colours, use data.output_nc=3');
    if (c.direction !== 'AtoB')
      throw new DataError('data.direction=BtoA is not valid for shapes: the multimodal direction is outlines → fills, use data.direction=AtoB');
  } else {
    if (!c.root) throw new DataError('data.root is not set: pass data.root=<folder with train/ and test/ of A|B images>', 'missing-root');
    if ((c.preprocess === 'resize_and_crop' || c.preprocess === 'scale_width_and_crop') && c.crop_size > c.load_size)
      throw new DataError(
        `data.crop_size=${c.crop_size} is larger than data.load_size=${c.load_size}: with preprocess=${c.preprocess} set data.load_size >= data.crop_size`,
      );
  }
  return c;
}
