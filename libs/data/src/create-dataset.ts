// `createDataset(dataCfg, split)`: the single entry point from config to a PairedDataset.
import { openAlignedDataset, type AlignedOptions } from './aligned-dataset.js';
import { resolveDataConfig, type DataConfig, type Split } from './data-config.js';
import type { PairedDataset } from './paired-dataset.js';
import { ShapesDataset } from './shapes-dataset.js';

export type CreateDatasetOptions = AlignedOptions;

export async function createDataset(
  dataCfg: Partial<DataConfig>,
  split: Split,
  opts: CreateDatasetOptions = {},
): Promise<PairedDataset> {
  const cfg = resolveDataConfig(dataCfg);
  if (cfg.dataset === 'shapes') return new ShapesDataset(cfg, split);
  return openAlignedDataset(cfg, split, opts);
}
