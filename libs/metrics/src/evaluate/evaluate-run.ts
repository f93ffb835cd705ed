// `workbench eval` for one tracked run: final checkpoint → every metric → tracking store.
// Idempotent: eval results are upserted per (run, metric) and the grid artifact per
// (run, kind, step, path), so a rerun replaces rows and never duplicates them.
import { join, relative } from 'node:path';
import { openFirstSplit, type DataConfig, type OpenedSplit, type Split } from '@workbench/data';
import { evalGridPath, latestCheckpoint, realRunFolder, RUN_FILES, storedConfigOf, type EvalResultInput, type RunRow, type TrackingStore } from '@workbench/tracking';
import type { PairMode } from '../diversity/sample-pairs.js';
import type { Lpips } from '../lpips/lpips.js';
import { evalReportRows } from './eval-results.js';
import { evaluateModel, type EvalPhase, type EvalReport } from './evaluate-model.js';
import { loadRunModel, RunCheckpointError } from './run-checkpoint.js';

export interface EvaluateRunOptions {
  nInputs: number;
  nSamples: number;
  pairs: PairMode;
  /** Folder of run folders (`train.runs_dir`): a run's folder is `<runsDir>/<run id>`. */
  runsDir: string;
  lpips?: Lpips;
  /** Why LPIPS is skipped (when `lpips` is absent). */
  lpipsSkipped?: string;
  /** Seed of the z draws (default 0: every run sees the same z). */
  seed?: number;
  /** Write a sample grid (default true) with this many rows (default 8). */
  grid?: boolean;
  gridRows?: number;
  onProgress?: (done: number, total: number, phase: EvalPhase) => void;
  /**
   * Splits to try, in order; the first whose folder exists is evaluated (default ['test']:
   * `workbench eval` passes ['test', 'val'] when eval.split is left at its default).
   */
  splits?: readonly Split[];
  /** `data.*` keys that replace the run's own (a dataset moved since training: `data.root`). */
  data?: Partial<DataConfig>;
}

export interface EvaluateRunResult {
  runId: string;
  step: number;
  /** The split evaluated, and the ones passed over because their folder does not exist. */
  split: Split;
  passedSplits: OpenedSplit['passed'];
  checkpointDir: string;
  report: EvalReport;
  rows: EvalResultInput[];
  /** Absolute path of the sample grid. */
  gridPath?: string;
}

export async function evaluateRun(store: TrackingStore, run: RunRow, opts: EvaluateRunOptions): Promise<EvaluateRunResult> {
  // The one run layout (`<runs dir>/<run id>`, @workbench/tracking): a path recorded in the run row
  // is not followed (remote clients write rows), and eval writes its grid into this folder.
  const dir = realRunFolder(opts.runsDir, run.id);
  const ckpt = latestCheckpoint(dir);
  if (!ckpt) throw new RunCheckpointError(`run ${run.id} has no checkpoint in ${join(dir, RUN_FILES.checkpoints)} (status ${run.status}); train it first`);
  const cfg = storedConfigOf(run); // migrated and checked: a bad stored key fails here, naming it
  const model = loadRunModel(cfg, ckpt);
  let opened: OpenedSplit;
  try {
    opened = await openFirstSplit({ ...cfg.data, ...opts.data }, opts.splits ?? ['test']);
  } catch (err) {
    model.dispose(); // a sweep evaluation skips this run and goes on: do not keep its networks
    throw err;
  }
  const { dataset, split } = opened;
  try {
    const gridPath = opts.grid === false ? undefined : join(dir, evalGridPath(model.step));
    const report = await evaluateModel({ G: model.G, E: model.E }, dataset, {
      nInputs: opts.nInputs,
      nSamples: opts.nSamples,
      pairs: opts.pairs,
      nz: cfg.model.nz,
      lpips: opts.lpips,
      lpipsSkipped: opts.lpipsSkipped,
      seed: opts.seed,
      gridPath,
      gridRows: opts.gridRows,
      onProgress: opts.onProgress,
    });
    const rows = evalReportRows(report, model.step);
    for (const r of rows) store.upsertEvalResult(run.id, { ...r, details: { ...r.details, checkpoint: relative(dir, ckpt.dir), seed: opts.seed ?? 0, split } });
    if (gridPath) {
      store.addArtifact(run.id, {
        kind: 'eval_grid',
        path: relative(dir, gridPath),
        step: model.step,
        meta: { split, n_inputs: report.nInputs, n_samples: report.nSamples, columns: ['A', 'ground truth', model.E ? 'encoded' : null, 'samples'] },
      });
    }
    return { runId: run.id, step: model.step, split, passedSplits: opened.passed, checkpointDir: ckpt.dir, report, rows, gridPath };
  } finally {
    model.dispose();
    dataset.dispose();
  }
}
