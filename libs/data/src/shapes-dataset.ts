// The shapes generator behind the PairedDataset interface. Samples are generated on demand
// (a few hundred microseconds each at 32 px) and not cached.
import type { DataConfig, Split } from './data-config.js';
import { bytesToUnit } from './image-convert.js';
import type { PairedDataset, Sample } from './paired-dataset.js';
import { generateShapesSample, type ShapesOptions } from './shapes-generator.js';
import { DataError } from './data-error.js';

export class ShapesDataset implements PairedDataset {
  readonly name = 'shapes';
  readonly size: number;
  readonly inputNc: number;
  readonly outputNc = 3;
  readonly height: number;
  readonly width: number;
  readonly options: ShapesOptions;

  constructor(
    cfg: DataConfig,
    readonly split: Split,
  ) {
    this.size = split === 'train' ? cfg.train_size : cfg.test_size;
    this.inputNc = cfg.input_nc;
    this.height = this.width = cfg.crop_size;
    this.options = {
      size: cfg.crop_size,
      numModes: cfg.num_modes,
      maxShapes: cfg.max_shapes,
      backgroundModes: cfg.background_modes,
      seed: cfg.seed,
    };
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so a bad index rejects, like every PairedDataset.get
  async get(i: number): Promise<Sample> {
    return this.getSync(i);
  }

  /** Shapes samples need no I/O. */
  getSync(i: number): Sample {
    if (!Number.isInteger(i) || i < 0 || i >= this.size)
      throw new DataError(`shapes ${this.split} sample ${i} does not exist: the split has ${this.size} samples`);
    const { a, b, meta } = generateShapesSample(this.options, this.split, i);
    return {
      index: i,
      height: this.height,
      width: this.width,
      A: bytesToUnit(a, 3, this.inputNc),
      B: bytesToUnit(b, 3, 3),
      source: `shapes:${this.split}:${i}`,
      meta,
    };
  }

  dispose(): void {}
}
