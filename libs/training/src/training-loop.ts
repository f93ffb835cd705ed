// The loop of one run, from its resume point until `totalSteps` or a stop request. An iteration
// is one bicycleStep at the scheduled lr; after it, at multiples of the train.*_every periods and
// at the last step: a metric point (each loss's mean since the last point), an image grid, an
// in-training evaluation, a checkpoint. A stop writes a checkpoint of the current step. The loop
// owns the step state that checkpoints save and that the run's end reports.
import * as tf from '@tensorflow/tfjs';
import { join, relative } from 'node:path';
import type { ResolvedConfig } from '@workbench/config';
import { EpochBatches, loadBatch, type BatchPosition } from '@workbench/data';
import { Rng } from '@workbench/random';
import { checkpointDirName, trainGridPath, type RunMetricWriter, type RunRecorder } from '@workbench/tracking';
import type { Adam } from './adam.js';
import { bicycleStep, type StepConfig } from './bicycle-step.js';
import { stepConfigFromConfig } from './build-networks.js';
import type { CheckpointRetention } from './checkpoint-retention.js';
import { CHECKPOINT_FORMAT, saveCheckpoint, type CheckpointState } from './checkpoint.js';
import type { Disposables } from './disposables.js';
import { lrForEpoch, lrForIteration } from './lr-schedule.js';
import { lossKeys, type LossKey, type MethodSpec, type NetName } from './methods.js';
import { MetricWindow } from './metric-window.js';
import type { ParamOwner } from './networks.js';
import type { OpenedRun } from './open-run.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { restoreResumePoint } from './resume-point.js';
import type { RunLog } from './run-log.js';
import type { StopRequests } from './stop-requests.js';
import type { TrainRunOptions } from './train-run-options.js';
import type { TrainingEvaluator } from './training-evaluator.js';
import type { TrainingParts } from './training-parts.js';
import { writeTrainingGrid } from './training-grid.js';

/** What the loop works with: the opened run, what it trains, where it records and reports. */
export interface TrainingLoopContext {
  run: OpenedRun;
  spec: MethodSpec;
  parts: TrainingParts;
  store: RunRecorder;
  /** The run's metric writer, watched by `retention`. */
  writer: RunMetricWriter;
  retention: CheckpointRetention;
  disposables: Disposables;
  log: RunLog;
  opts: TrainRunOptions;
}

/** The image grids' fixed inputs: the first (up to 4) display samples A, B [K,H,W,C] and z [S,nz]. */
interface DisplayInputs {
  A: tf.Tensor4D;
  B: tf.Tensor4D;
  z: tf.Tensor2D;
}

/** The named losses of an iteration, in `keys` order (for train.log and the progress display). */
function pickLosses(keys: readonly LossKey[], losses: Record<string, number>): Array<[LossKey, number]> {
  return keys.map((k) => {
    const v = losses[k];
    if (v === undefined) throw new Error(`the training step returned no ${k} loss (it returned ${Object.keys(losses).join(', ')})`);
    return [k, v];
  });
}

export class TrainingLoop {
  /** Completed iterations (a resumed run starts at its checkpoint's). */
  step = 0;
  readonly totalSteps: number;
  /** it/s of the last metric window while running; of this process's iterations once it ends. */
  itPerSec = 0;
  /** The newest checkpoint folder written or restored. */
  lastCheckpoint: string | undefined;

  private readonly ctx: TrainingLoopContext;
  private readonly config: ResolvedConfig;
  /** The networks with weights (saved and restored by checkpoints). */
  private readonly trainedNets: Partial<Record<NetName, ParamOwner>>;
  private readonly optimizers: Partial<Record<NetName, Adam>>;
  private readonly stepCfg: StepConfig;
  private readonly keys: LossKey[];
  /** The z/eps noise stream: fresh from the seed, or the checkpoint's. */
  private rng: Rng;
  private readonly window = new MetricWindow();
  private progress: ProgressReporter = createProgress('none', { total: 1, start: 0, every: 1 });
  private loopStart = 0; // when this process's iterations began (0: not yet)
  private evalMs = 0;
  private evaluations = 0;
  private lastStepAt = 0;
  private displayRate = 0; // smoothed it/s for the progress display (the metric it_s is the window mean)
  private lastHeartbeat = 0;

  constructor(ctx: TrainingLoopContext) {
    this.ctx = ctx;
    const { config } = ctx.run;
    const t = config.train;
    this.config = config;
    this.totalSteps = t.iters > 0 ? t.iters : (t.niter + t.niter_decay) * ctx.parts.perEpoch;
    const { nets, optimizers } = ctx.parts;
    this.trainedNets = {};
    for (const n of ['G', 'E', 'D', 'D2'] as const) {
      const net = nets[n];
      if (net) this.trainedNets[n] = net;
    }
    this.optimizers = optimizers;
    this.stepCfg = stepConfigFromConfig(ctx.spec, config);
    this.keys = lossKeys(ctx.spec);
    this.rng = Rng.derive(config.seed, 'z');
  }

  /** The official schedule: per iteration with `train.iters`, else per epoch (niter, niter_decay). */
  private lrAt(step: number): number {
    const t = this.config.train;
    const schedule = { lr: t.lr, niter: t.niter, niterDecay: t.niter_decay };
    return t.iters > 0 ? lrForIteration(step, this.totalSteps, schedule) : lrForEpoch(Math.floor(step / this.ctx.parts.perEpoch), schedule);
  }

  /** Restores, trains to the end or until `stop` asks, and returns what asked (undefined: all
   *  iterations done). Metrics are closed and a stopped run's checkpoint is written. */
  async run(stop: StopRequests): Promise<string | undefined> {
    const { run, parts, store, writer, disposables, opts } = this.ctx;
    const t = this.config.train;
    const start = restoreResumePoint(run, store, this.trainedNets, this.optimizers, this.ctx.log);
    if (start !== undefined) {
      this.step = start.step;
      this.rng = start.rng;
      this.window.restore(start.metricWindow);
      this.lastCheckpoint = start.checkpointDir;
    }
    const batches = new EpochBatches(parts.dataset, { batchSize: t.batch_size, seed: this.config.seed, start: start?.position ?? { epoch: 0, batch: 0 } });
    disposables.add({ dispose: () => batches.close() }); // prefetched samples
    const display = await this.displayInputs();
    const evalEvery = t.eval_every ?? 0; // runs recorded before the key existed: off
    const evaluator = evalEvery > 0 ? await this.createEvaluator(evalEvery) : undefined;

    const stream = opts.stream ?? process.stderr;
    this.progress = createProgress(opts.progress ?? 'auto', { total: this.totalSteps, start: this.step, every: Math.max(t.log_every, 1), stream, label: this.ctx.spec.name });
    const startStep = this.step;
    const tStart = Date.now();
    this.loopStart = tStart;
    this.window.begin(this.step, Date.now());
    this.lastStepAt = Date.now();

    while (this.step < this.totalSteps && stop.reason() === undefined) {
      const lr = this.lrAt(this.step);
      const losses = await this.iterate(batches, lr);
      this.report(losses, lr);
      const { step, totalSteps } = this;
      if (step % t.display_every === 0 || step === totalSteps) await this.writeGrid(display);
      if (evaluator && (step % evalEvery === 0 || step === totalSteps)) await this.evaluate(evaluator);
      if (step % t.checkpoint_every === 0 || step === totalSteps) {
        await writer.flush(); // metrics up to the checkpoint are durable before it exists
        await this.checkpoint(batches.position);
      }
      // Let signal handlers and timers run between iterations.
      await new Promise<void>((r) => setImmediate(r));
    }
    this.progress.stop();
    // Stopped between log points: the steps since the last point get their point now (at the
    // step the checkpoint is written), so none is lost and a resume starts a fresh window.
    if (!this.window.isEmpty) this.logPoint(this.lrAt(this.step - 1), Date.now());
    this.itPerSec = (this.step - startStep) / Math.max(1e-3, (Date.now() - tStart) / 1000);
    await writer.close();
    const stopReason = stop.reason();
    if (stopReason !== undefined && (this.lastCheckpoint === undefined || !this.lastCheckpoint.endsWith(checkpointDirName(this.step)))) {
      await this.checkpoint(batches.position);
    }
    return stopReason;
  }

  /** After an exception in `run`: the progress display ends and buffered metrics are written if they can be. */
  async abandon(): Promise<void> {
    this.progress.stop();
    await this.ctx.writer.close().catch(() => undefined);
  }

  /** Wall seconds of this process's loop in in-training evaluations, and in everything else. */
  timing(): { evalSeconds: number; trainSeconds: number; evaluations: number } {
    const loopMs = this.loopStart > 0 ? Date.now() - this.loopStart : 0;
    return { evalSeconds: this.evalMs / 1000, trainSeconds: Math.max(0, loopMs - this.evalMs) / 1000, evaluations: this.evaluations };
  }

  /** One iteration at `lr`: the losses it logged (loss_G: the generator's total, for GAN methods). */
  private async iterate(batches: EpochBatches, lr: number): Promise<Record<string, number>> {
    const { nets } = this.ctx.parts;
    for (const o of Object.values(this.optimizers)) o.lr = lr;
    const batch = await batches.next();
    let res;
    try {
      // Dropout masks are a function of (seed, step): resume draws the same ones.
      const dropoutSeed = ((this.config.seed + 1) * 1_000_003 + this.step * 16_411) % 2_147_483_647;
      res = bicycleStep(nets, this.ctx.parts.optimizers, { ...this.stepCfg, dropoutSeed }, { A: batch.A, B: batch.B }, (_kind, n, nz) => this.rng.normals(n * nz));
    } finally {
      tf.dispose([batch.A, batch.B]);
    }
    this.step += 1;
    const losses: Record<string, number> = { ...res.losses };
    if (this.ctx.spec.gan.length > 0) losses['loss_G'] = res.lossG;
    this.window.add(losses);
    this.ctx.opts.onStep?.(this.step, losses);
    return losses;
  }

  /** After an iteration: its metric point when one is due, the heartbeat, the progress display. */
  private report(losses: Record<string, number>, lr: number): void {
    const now = Date.now();
    const rate = 1000 / Math.max(1, now - this.lastStepAt);
    this.displayRate = this.displayRate === 0 ? rate : 0.9 * this.displayRate + 0.1 * rate;
    this.lastStepAt = now;
    if (this.step % this.config.train.log_every === 0 || this.step === this.totalSteps) this.logPoint(lr, now);
    if (now - this.lastHeartbeat >= (this.ctx.opts.heartbeatMs ?? 5000)) {
      this.ctx.store.heartbeat(this.ctx.run.runId, now);
      this.lastHeartbeat = now;
    }
    this.progress.update(this.step, Object.fromEntries(pickLosses(this.keys, losses)), this.displayRate);
  }

  /** One metric point at the current step: the window's loss means, lr and it/s. */
  private logPoint(lr: number, now: number): void {
    const { means, itPerSec } = this.window.close(this.step, now);
    this.itPerSec = itPerSec;
    const point: Record<string, number> = { ...means, lr, it_s: itPerSec };
    this.ctx.writer.log(this.step, point, now);
    const losses = pickLosses(this.keys, point).map(([k, v]) => `${k} ${v.toPrecision(4)}`);
    this.ctx.log.note(`step ${this.step}/${this.totalSteps} ${itPerSec.toFixed(2)} it/s lr ${lr.toExponential(3)} ${losses.join(' ')}`);
  }

  /** Fixed display inputs and z for the image grids, held until the run ends. */
  private async displayInputs(): Promise<DisplayInputs> {
    const { displaySet } = this.ctx.parts;
    const { num_samples: samples } = this.config.train;
    const { nz } = this.config.model;
    const nDisplay = Math.min(4, displaySet.size);
    const batch = await loadBatch(displaySet, Array.from({ length: nDisplay }, (_, i) => i));
    const z = tf.tensor2d(Rng.derive(this.config.seed, 'display').normals(samples * nz), [samples, nz]);
    this.ctx.disposables.add(batch.A, batch.B, z);
    return { A: batch.A, B: batch.B, z };
  }

  /** The in-training evaluator the app gives (`opts.createEvaluator`); without one eval_every is noted and ignored. */
  private async createEvaluator(evalEvery: number): Promise<TrainingEvaluator | undefined> {
    const { opts, disposables, log } = this.ctx;
    if (!opts.createEvaluator) {
      log.note(`train.eval_every=${evalEvery} ignored: no evaluator was given to trainRun (the workbench CLI gives one)`);
      return undefined;
    }
    const evaluator = await opts.createEvaluator(this.config);
    disposables.add(evaluator);
    return evaluator;
  }

  private async evaluate(evaluator: TrainingEvaluator): Promise<void> {
    const { nets } = this.ctx.parts;
    const t0 = Date.now();
    const values = await evaluator.evaluate({ G: nets.G, E: nets.E }, this.step);
    const ms = Date.now() - t0;
    this.evalMs += ms;
    this.evaluations += 1;
    this.ctx.writer.log(this.step, { ...values, eval_seconds: ms / 1000 });
    this.ctx.log.note(`eval at step ${this.step} (${(ms / 1000).toFixed(2)} s): ${Object.entries(values).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(' ')}`);
  }

  private async writeGrid(display: DisplayInputs): Promise<void> {
    const { runId, runDir } = this.ctx.run;
    const rel = trainGridPath(this.step);
    await writeTrainingGrid(join(runDir, rel), this.ctx.parts.nets, display, display.z, `${runId} ${this.ctx.spec.name} step ${this.step}`);
    this.ctx.store.addArtifact(runId, { kind: 'train_grid', path: rel, step: this.step });
  }

  /** A checkpoint of the current step (`position`: the next batch), recorded, then retention. */
  private async checkpoint(position: BatchPosition): Promise<void> {
    const { run, store, retention, log } = this.ctx;
    const { runId, runDir } = run;
    const state: CheckpointState = {
      format: CHECKPOINT_FORMAT,
      step: this.step,
      epoch: position.epoch,
      batchInEpoch: position.batch,
      rng: this.rng.getState(),
      metricWindow: this.window.saved(),
      optimizerSteps: Object.fromEntries(Object.entries(this.optimizers).map(([n, o]) => [n, o.step])),
      lr: this.lrAt(Math.max(0, this.step - 1)),
      method: this.ctx.spec.name,
      runId,
      savedAt: new Date().toISOString(),
    };
    const dir = await saveCheckpoint(runDir, this.trainedNets, this.optimizers, state);
    this.lastCheckpoint = dir;
    store.addArtifact(runId, { kind: 'checkpoint', path: relative(runDir, dir), step: this.step });
    log.note(`checkpoint ${relative(runDir, dir)}`);
    for (const a of retention.afterCheckpoint(this.step)) store.addArtifact(runId, a);
  }
}
