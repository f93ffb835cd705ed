// Checkpoint retention (`train.keep_checkpoints: N`, `train.best_metric`): after every checkpoint,
// keep the last N and the best one, delete the other checkpoint folders. "Best" is the checkpoint
// written when the training metric `train.best_metric` (default G_L1, the reconstruction L1 that
// every method with an encoder or a paired L1 logs) had its lowest logged value: the last metric
// point at or before the checkpoint's step, a window mean over `train.log_every` iterations. GAN
// losses do not measure quality, so they make poor choices here; run `workbench eval` for that.
// N = 0 keeps everything. The newest checkpoint is always kept, so resume is never affected.
// `checkpoints/retention.json` records the best step and what was removed.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointPath, completeCheckpoints, RUN_FILES, type ArtifactInput, type RunMetricWriter } from '@workbench/tracking';

export interface RetentionState {
  keep: number;
  metric: string;
  best: { step: number; value: number } | null;
  removed: number[];
}

export class CheckpointRetention {
  /** The last logged value of the metric (NaN until one is logged). */
  private latest = NaN;
  private readonly file: string;
  private state: RetentionState;

  private readonly keep: number;
  private readonly metric: string;

  /** `keep`/`metric` may be missing in the stored config of a run made before these keys existed. */
  constructor(
    private readonly runDir: string,
    keep: number | undefined,
    metric: string | undefined,
  ) {
    this.keep = Number.isInteger(keep) && (keep as number) > 0 ? (keep as number) : 0;
    this.metric = typeof metric === 'string' ? metric : '';
    this.file = join(runDir, RUN_FILES.retention);
    // A resumed run continues with the best it had.
    const saved = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as RetentionState) : undefined;
    this.state = { keep: this.keep, metric: this.metric, best: saved?.metric === this.metric ? saved.best : null, removed: saved?.removed ?? [] };
  }

  /** The writer, noting each logged value of the metric on the way. */
  watch<W extends RunMetricWriter>(writer: W): W {
    if (!this.metric) return writer;
    const log = writer.log.bind(writer);
    writer.log = (step, values, wallTime) => {
      const v = values[this.metric];
      if (v !== undefined && Number.isFinite(v)) this.latest = v;
      log(step, values, wallTime);
    };
    return writer;
  }

  /**
   * Call after the checkpoint of `step` is written: updates the best, removes the checkpoints
   * outside the last N and the best, and returns the artifact records to update (removed ones
   * and the best get a note in `meta`).
   */
  afterCheckpoint(step: number): ArtifactInput[] {
    if (this.keep <= 0) return [];
    const updates: ArtifactInput[] = [];
    if (Number.isFinite(this.latest) && (this.state.best === null || this.latest < this.state.best.value)) {
      this.state.best = { step, value: this.latest };
      updates.push({ kind: 'checkpoint', path: checkpointPath(step), step, meta: { best: true, metric: this.metric, value: this.latest } });
    }
    const steps = completeCheckpoints(this.runDir).map((c) => c.step); // oldest first
    const kept = new Set(steps.slice(-this.keep));
    if (this.state.best) kept.add(this.state.best.step);
    for (const s of steps) {
      if (kept.has(s)) continue;
      rmSync(join(this.runDir, checkpointPath(s)), { recursive: true, force: true });
      this.state.removed.push(s);
      updates.push({ kind: 'checkpoint', path: checkpointPath(s), step: s, meta: { removed: `train.keep_checkpoints=${this.keep}` } });
    }
    writeFileSync(this.file, `${JSON.stringify(this.state, null, 2)}\n`);
    return updates;
  }
}
