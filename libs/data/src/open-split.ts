// Opening the first split that exists out of several: evaluation reads test/, else val/ (the
// official scripts evaluate edges2shoes and edges2handbags on val/, which have no test/).
import { resolve } from 'node:path';
import { folderContents } from './aligned-files.js';
import { createDataset, type CreateDatasetOptions } from './create-dataset.js';
import type { DataConfig, Split } from './data-config.js';
import { DataError } from './data-error.js';
import type { PairedDataset } from './paired-dataset.js';

export interface OpenedSplit {
  dataset: PairedDataset;
  split: Split;
  /** The splits tried before it, each with why it was passed over (its folder does not exist). */
  passed: Array<{ split: Split; error: DataError }>;
}

/**
 * The first of `splits` whose folder exists. Only a missing folder moves on to the next split: an
 * empty one or an unreadable image is the user's to fix, so it throws. When none exists, throws
 * one DataError naming every folder looked at.
 */
export async function openFirstSplit(cfg: Partial<DataConfig>, splits: readonly Split[], opts: CreateDatasetOptions = {}): Promise<OpenedSplit> {
  const passed: OpenedSplit['passed'] = [];
  for (const split of splits) {
    try {
      return { dataset: await createDataset(cfg, split, opts), split, passed };
    } catch (err) {
      if (!(err instanceof DataError) || err.kind !== 'missing-split') throw err;
      passed.push({ split, error: err });
    }
  }
  const [only] = passed;
  if (only && passed.length === 1) throw only.error;
  const root = resolve(cfg.root ?? '');
  throw new DataError(
    `${root} has no ${splits.map((s) => `${s}/`).join(' or ')} (it has ${folderContents(root)}): an aligned dataset needs one of them with A|B images`,
    'missing-split',
  );
}
