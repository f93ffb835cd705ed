// What `workbench data info` reports: every split opened (or why not), whether the dataset is
// usable for training and evaluation, and the direction check. A missing val/ (or test/, when
// val/ is there) is normal for pix2pix datasets; an empty or unreadable split, a missing train/
// and neither test/ nor val/ are problems.
import { resolve } from 'node:path';
import { createDataset } from './create-dataset.js';
import { resolveDataConfig, SPLITS, type DataConfig, type Split } from './data-config.js';
import { DataError, type DataErrorKind } from './data-error.js';
import { checkDatasetDirection, type DirectionCheck } from './direction-check.js';
import type { PairedDataset } from './paired-dataset.js';

export interface SplitReport {
  split: Split;
  status: 'ok' | DataErrorKind;
  /** The one-line problem when not ok. */
  error?: string;
  pairs?: number;
  width?: number;
  height?: number;
  inputNc?: number;
  outputNc?: number;
  /** Non-image files skipped, etc. */
  warnings: string[];
}

export interface DatasetReport {
  dataset: DataConfig['dataset'];
  /** Absolute data.root (aligned datasets). */
  root: string | null;
  direction: DataConfig['direction'];
  splits: SplitReport[];
  /** The split `workbench eval` reads by default: test/, else val/. */
  evalSplit: Split | null;
  /** Aligned datasets: the halves of the first split that opens (train/ normally). */
  directionCheck?: DirectionCheck;
  /** One line each; empty = usable. */
  problems: string[];
}

/**
 * Open every split of `cfg`. Bad options and a missing data.root throw a DataError (one line, not
 * one per split); split problems are reported, not thrown. `describe` is called on every opened
 * split (the CLI's summary line) before it is disposed.
 */
export async function inspectDataset(cfg: Partial<DataConfig>, describe?: (ds: PairedDataset) => void): Promise<DatasetReport> {
  const data = resolveDataConfig(cfg);
  const splits: SplitReport[] = [];
  let directionCheck: DirectionCheck | undefined;
  for (const split of SPLITS) {
    const warnings: string[] = [];
    try {
      const ds = await createDataset(data, split, { warn: (m) => warnings.push(m) });
      try {
        if (!directionCheck) directionCheck = await checkDatasetDirection(ds, data.direction);
        describe?.(ds);
        splits.push({ split, status: 'ok', pairs: ds.size, width: ds.width, height: ds.height, inputNc: ds.inputNc, outputNc: ds.outputNc, warnings });
      } finally {
        ds.dispose();
      }
    } catch (err) {
      if (!(err instanceof DataError) || err.kind === 'missing-root') throw err;
      splits.push({ split, status: err.kind, error: err.message, warnings });
    }
  }
  const by = new Map(splits.map((r) => [r.split, r]));
  const missing = (s: Split) => by.get(s)?.status === 'missing-split';
  const problems = splits.filter((r) => r.status !== 'ok' && r.status !== 'missing-split').map((r) => `${r.split}: ${r.error}`);
  if (missing('train')) problems.unshift(`train: ${by.get('train')!.error} (workbench train needs it)`);
  if (missing('test') && missing('val')) problems.push('neither test/ nor val/ exists: workbench eval needs one of them (or eval.split=train)');
  const ok = (s: Split) => by.get(s)?.status === 'ok';
  return {
    dataset: data.dataset,
    root: data.dataset === 'aligned' ? resolve(data.root) : null,
    direction: data.direction,
    splits,
    evalSplit: ok('test') ? 'test' : ok('val') ? 'val' : null,
    directionCheck,
    problems,
  };
}
