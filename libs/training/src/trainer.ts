// The training loop: `trainRun(config, {store})` builds the method's networks and the dataset,
// runs iterations with the official lr schedule, logs every loss through the tracking store,
// writes image grids and checkpoints into runs/<run-id>/, and ends the run with an honest state:
//   finished  all iterations done (a final checkpoint is written)
//   failed    a NaN/Inf loss (the update is not applied, the last good checkpoint stays) or an exception
//   killed    SIGINT/SIGTERM (a checkpoint of the current step is written first)
//   crashed   never written here: the store infers it from a stale heartbeat (kill -9, power loss)
// `resume=<run-id>` continues from the newest checkpoint with the run's stored config.
import * as tf from '@tensorflow/tfjs';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { asWasmHeapError, WasmHeapExhaustedError } from '@workbench/backend';
import type { ResolvedConfig } from '@workbench/config';
import { checkDatasetDirection, createDataset, EpochBatches, loadBatch, type PairedDataset } from '@workbench/data';
import { Rng } from '@workbench/random';
import {
  checkpointDirName,
  latestCheckpoint,
  newRunId,
  RUN_FILES,
  runFolder,
  storedConfigFields,
  storedConfigHeader,
  storedConfigOf,
  trainGridPath,
  type RunRecorder,
} from '@workbench/tracking';
import { NonFiniteLossError, bicycleStep } from './bicycle-step.js';
import { buildMethodNetworks, buildOptimizers, stepConfigFromConfig } from './build-networks.js';
import { CheckpointRetention } from './checkpoint-retention.js';
import { CHECKPOINT_FORMAT, loadCheckpoint, resumeNoise, saveCheckpoint, type CheckpointState } from './checkpoint.js';
import { lrForEpoch, lrForIteration } from './lr-schedule.js';
import { describeStepConfig, wasmMemoryRefusal } from './step-memory.js';
import { lossKeys, methodSpec, type NetName } from './methods.js';
import { createProgress, type ProgressMode } from './progress.js';
import { isNoSpace, noSpaceReason } from './no-space.js';
import { captureEnvironment } from './run-environment.js';
import { startSystemMetrics } from './system-metrics.js';
import { writeTrainingGrid } from './training-grid.js';
import type { TrainingEvaluator, TrainingEvaluatorFactory } from './training-evaluator.js';

export type RunEndStatus = 'finished' | 'failed' | 'killed';

export interface TrainRunOptions {
  /** The local store (`openStore`) or a remote client (`tracking.uri`): the tracking RunRecorder. */
  store: RunRecorder;
  /** The command-line overrides (saved as overrides.yaml). */
  overrides?: string[];
  /** The command line that reproduces the run (recorded in the store). */
  command?: string;
  /** Backend name for the run record (e.g. from describeBackend). */
  backend?: string;
  progress?: ProgressMode;
  /** Where progress and messages go (default stderr). */
  stream?: NodeJS.WriteStream;
  /** Install SIGINT/SIGTERM handlers for the duration of the run (default true). */
  handleSignals?: boolean;
  /** Heartbeat period (default 5000 ms; the store calls a run crashed after its threshold). */
  heartbeatMs?: number;
  /** Aborting stops the run like SIGTERM would (checkpoint, `killed`). */
  signal?: AbortSignal;
  /** Called after every completed iteration (tests: tensor counts, NaN injection). */
  onStep?: (step: number, losses: Record<string, number>) => void;
  /** Fixed run id for a new run (default: newRunId()). */
  runId?: string;
  /** Period of the system metrics (CPU %, RSS, wasm heap; default 5000 ms). */
  systemMetricsMs?: number;
  /** A second SIGINT/SIGTERM while the run is stopping (checkpoint, record): the app decides
   *  what to do (`workbench train` exits 130/143 at once). Without it the second signal is ignored. */
  onForcedStop?: (signal: NodeJS.Signals) => void;
  /** Called once the run is recorded (new or resumed), before any training. */
  onStart?: (run: { runId: string; runDir: string; resumed: boolean }) => void;
  /** Builds the in-training evaluator (`train.eval_every` > 0); the app passes
   *  `createTrainingEvaluator` from @workbench/metrics. Without it eval_every is noted and ignored. */
  createEvaluator?: TrainingEvaluatorFactory;
}

export interface TrainRunResult {
  runId: string;
  runDir: string;
  status: RunEndStatus;
  /** Why the run ended when not finished. */
  reason?: string;
  /** Completed iterations. */
  step: number;
  totalSteps: number;
  /** Mean iterations per second of this process's iterations. */
  itPerSec: number;
  lastCheckpoint?: string;
  /** Wall seconds of this process's loop spent in in-training evaluations, and in everything else
   *  (iterations, grids, checkpoints): their ratio is eval_every's overhead. */
  evalSeconds: number;
  trainSeconds: number;
  /** In-training evaluations done by this process. */
  evaluations: number;
}

export class TrainError extends Error {
  override name = 'TrainError';
}

/** First split of the dataset that exists, for the display inputs (held-out where possible). */
async function openDisplaySet(config: ResolvedConfig): Promise<PairedDataset> {
  let lastErr: unknown;
  for (const split of ['test', 'val', 'train'] as const) {
    try {
      return await createDataset(config.data, split);
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr;
}

/** Drop the checkpoint artifacts of a run whose folders (with state.json) no longer exist. */
function forgetMissingCheckpoints(store: RunRecorder, runId: string, runDir: string): Array<{ path: string; step: number | null }> {
  if (!store.listArtifacts || !store.removeArtifact) return []; // remote tracking: the server keeps its table
  const missing = store.listArtifacts(runId, { kind: 'checkpoint' }).filter((a) => !existsSync(join(runDir, a.path, RUN_FILES.checkpointState)));
  for (const a of missing) store.removeArtifact(runId, 'checkpoint', a.path);
  return missing;
}

/** Evaluation time as a percentage of the rest of the loop's time ("4.2 %"). */
export function overheadPercent(t: { evalSeconds: number; trainSeconds: number }): string {
  return t.trainSeconds > 0 ? `${((100 * t.evalSeconds) / t.trainSeconds).toFixed(1)} %` : 'n/a';
}

/** Which run this is: a new one, or the one `resume=` names with its stored config (only
 *  `resume` differs); its folder is the run layout's `<train.runs_dir>/<id>`. */
interface OpenedRun {
  config: ResolvedConfig;
  runId: string;
  runDir: string;
  resuming: boolean;
}

async function openRun(input: ResolvedConfig, store: RunRecorder, newId: string | undefined): Promise<OpenedRun> {
  if (input.resume === '') {
    const runId = newId ?? newRunId();
    return { config: input, runId, runDir: runFolder(input.train.runs_dir, runId), resuming: false };
  }
  const runId = input.resume;
  const row = await store.getRun(runId);
  if (row === undefined) throw new TrainError(`resume=${runId}: no such run in ${store.path}; list runs with 'workbench runs'`);
  // A finished run is a result: resuming would rewrite its end time and duration for nothing.
  if (row.status === 'finished') {
    throw new TrainError(
      `resume=${runId}: the run already finished all its iterations; resume continues killed, crashed or failed runs (to train longer, start a new run: its record stays as it is)`,
    );
  }
  const config = { ...storedConfigOf(row), resume: runId };
  return { config, runId, runDir: runFolder(config.train.runs_dir, runId), resuming: true };
}

/** What the run holds until it ends, released on every exit path (in the order acquired). */
class Disposables {
  private readonly items: Array<{ dispose(): void }> = [];
  /** Set after a wasm heap abort: such a module cannot free anything any more. */
  heapFailed = false;

  add(...items: Array<{ dispose(): void }>): void {
    this.items.push(...items);
  }

  disposeAll(): void {
    for (const d of this.items) {
      try {
        d.dispose();
      } catch (err) {
        if (!this.heapFailed) throw err;
      }
    }
  }
}

/** The dataset, display inputs, networks and optimizers of a run. */
interface TrainingParts {
  dataset: PairedDataset;
  displaySet: PairedDataset;
  direction: Awaited<ReturnType<typeof checkDatasetDirection>>;
  perEpoch: number;
  nets: ReturnType<typeof buildMethodNetworks>;
  optimizers: ReturnType<typeof buildOptimizers>;
}

/** Builds what a bad config can break, before the run is recorded: a wrong data.root or an
 *  impossible crop size is a user error, not a failed run; so is a step too large for wasm's heap. */
async function buildTraining(config: ResolvedConfig, spec: ReturnType<typeof methodSpec>, disposables: Disposables): Promise<TrainingParts> {
  const dataset = await createDataset(config.data, 'train');
  disposables.add(dataset);
  // A reversed data.direction trains photo → labels without any error: warn before the first step.
  const direction = await checkDatasetDirection(dataset, config.data.direction);
  const probe = new EpochBatches(dataset, { batchSize: config.train.batch_size, seed: config.seed });
  const perEpoch = probe.batchesPerEpoch;
  probe.close();
  const displaySet = await openDisplaySet(config);
  disposables.add(displaySet);
  const refusal = tf.getBackend() === 'wasm' ? wasmMemoryRefusal(config) : undefined; // before allocating anything large
  if (refusal !== undefined) throw new TrainError(refusal);
  const nets = buildMethodNetworks(spec, { model: config.model, data: config.data }, config.seed);
  disposables.add(nets);
  const optimizers = buildOptimizers(nets, config.train);
  disposables.add(...Object.values(optimizers));
  return { dataset, displaySet, direction, perEpoch, nets, optimizers };
}

/** train.log lines (`note`), and the ones the user should also see on the console (`tell`). */
function runLog(runDir: string, opts: TrainRunOptions): { note: (line: string) => void; tell: (line: string) => void } {
  const stream = opts.stream ?? process.stderr;
  const note = (line: string): void => {
    try {
      appendFileSync(join(runDir, RUN_FILES.log), `${new Date().toISOString()} ${line}\n`);
    } catch (err) {
      if (!isNoSpace(err)) throw err; // train.log is a copy of what the store records: skip it on a full disk
    }
  };
  const tell = (line: string): void => {
    note(line);
    if (opts.progress !== 'none') stream.write(`${line}\n`);
  };
  return { note, tell };
}

/** Records the start: a new run's folder, config files, environment and row; or the resume. */
async function recordStart(run: OpenedRun, opts: TrainRunOptions, note: (line: string) => void): Promise<void> {
  const { store } = opts;
  const { config, runId, runDir } = run;
  mkdirSync(runDir, { recursive: true });
  if (run.resuming) {
    await store.resumeRun(runId);
    note(`resume requested (pid ${process.pid})`);
    return;
  }
  writeFileSync(join(runDir, RUN_FILES.config), storedConfigHeader() + stringify(config, { lineWidth: 0 }));
  writeFileSync(join(runDir, RUN_FILES.overrides), stringify(opts.overrides ?? []));
  const env = captureEnvironment(runDir, opts.backend);
  await store.createRun({
    id: runId,
    method: config.method,
    ...storedConfigFields(config),
    seed: config.seed,
    ...(config.name ? { name: config.name } : {}),
    gitCommit: env.gitCommit,
    gitDirty: env.gitDirty,
    backend: opts.backend ?? tf.getBackend(),
    packageVersions: env.packageVersions,
    command: opts.command ?? null,
    runDir,
    sweepId: config.sweep?.id || null,
    jobId: config.sweep?.job || null,
  });
  for (const a of env.artifacts) store.addArtifact(runId, a);
  note(`run ${runId} created: method ${config.method}, backend ${opts.backend ?? tf.getBackend()}`);
}

/**
 * Stop requests: SIGINT/SIGTERM (when `handleSignals`) and `opts.signal` ask the loop to stop after
 * the current iteration (`reason()` names what asked). A second signal is handed to
 * `opts.onForcedStop`: the app decides how to exit (the library never ends the process).
 */
function watchStopRequests(opts: TrainRunOptions): { reason(): string | undefined; dispose(): void } {
  let stopReason: string | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopReason !== undefined) opts.onForcedStop?.(sig); // a second signal: stop now
    stopReason = sig;
  };
  const onAbort = (): void => {
    stopReason ??= 'abort';
  };
  if (opts.handleSignals !== false) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  opts.signal?.addEventListener('abort', onAbort);
  return {
    reason: () => stopReason,
    dispose: () => {
      if (opts.handleSignals !== false) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      opts.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Why a run that threw ends as `failed`, in one line naming the cause and what was kept. */
function failureReason(err: unknown, at: { step: number; runDir: string; lastCheckpoint: string | undefined; config: ResolvedConfig }, note: (line: string) => void, disposables: Disposables): string {
  const kept = at.lastCheckpoint ? `last good checkpoint ${relative(at.runDir, at.lastCheckpoint)}` : 'no checkpoint was written yet';
  if (err instanceof NonFiniteLossError) return `non-finite loss: ${err.lossKey} = ${err.value} at step ${at.step + 1} (update not applied; ${kept})`;
  const full = noSpaceReason(err, at.runDir);
  if (full !== undefined) return full;
  if (err instanceof Error && err.stack) note(err.stack);
  const heapErr = asWasmHeapError(err);
  if (heapErr instanceof WasmHeapExhaustedError) {
    disposables.heapFailed = true;
    return `at step ${at.step + 1} with ${describeStepConfig(at.config)}: ${heapErr.message} (metrics up to step ${at.step} kept; ${kept})`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Steps: open the run (new or resumed) → build dataset and networks → record the start →
 *  restore from the newest checkpoint → the loop (steps, metric points, grids, evals,
 *  checkpoints) → finish with an honest status. */
export async function trainRun(input: ResolvedConfig, opts: TrainRunOptions): Promise<TrainRunResult> {
  const { store } = opts;
  const run = await openRun(input, store, opts.runId);
  const { config, runId, runDir, resuming } = run;
  const spec = methodSpec(config.method);
  const t = config.train;
  const stream = opts.stream ?? process.stderr;

  const disposables = new Disposables();
  let parts: TrainingParts;
  const { note, tell } = runLog(runDir, opts);
  try {
    parts = await buildTraining(config, spec, disposables);
    await recordStart(run, opts, note);
  } catch (err) {
    disposables.disposeAll();
    throw err;
  }
  const { dataset, displaySet, direction, perEpoch, nets, optimizers } = parts;

  opts.onStart?.({ runId, runDir, resumed: resuming });
  if (direction?.warning) tell(`warning: ${direction.warning}`);

  // From here on every exit path records how the run ended.
  const stop = watchStopRequests(opts);

  const retention = new CheckpointRetention(runDir, t.keep_checkpoints, t.best_metric);
  const writer = retention.watch(store.metricWriter(runId));
  let step = 0;
  const system = startSystemMetrics(writer, () => step, opts.systemMetricsMs ?? 5000);
  let totalSteps = 0;
  let itPerSec = 0;
  let lastCheckpoint: string | undefined;
  let evalMs = 0;
  let loopStart = 0; // when this process's iterations began (0: not yet)
  let evaluations = 0;
  let progress = createProgress('none', { total: 1, start: 0, every: 1 });
  const finish = (status: RunEndStatus, reason?: string): TrainRunResult => {
    try {
      store.finishRun(runId, status, reason ?? null);
    } catch (err) {
      // e.g. the database's own disk is full: say so where it can still be read, then fail loudly.
      note(`${status}${reason ? `: ${reason}` : ''}; not recorded in ${store.path}: ${(err as Error).message}`);
      throw err;
    }
    // Most reasons say the step already ("SIGTERM at step 197"): name it once.
    note(reason === undefined ? `${status} at step ${step}` : /\bat step \d+/.test(reason) ? `${status}: ${reason}` : `${status} at step ${step}: ${reason}`);
    const loopMs = loopStart > 0 ? Date.now() - loopStart : 0;
    const timing = { evalSeconds: evalMs / 1000, trainSeconds: Math.max(0, loopMs - evalMs) / 1000, evaluations };
    if (evaluations > 0) note(`eval_every: ${evaluations} evaluations took ${timing.evalSeconds.toFixed(1)} s, ${overheadPercent(timing)} of the ${timing.trainSeconds.toFixed(1)} s of training`);
    return { runId, runDir, status, ...(reason ? { reason } : {}), step, totalSteps, itPerSec, ...(lastCheckpoint ? { lastCheckpoint } : {}), ...timing };
  };

  try {
    totalSteps = t.iters > 0 ? t.iters : (t.niter + t.niter_decay) * perEpoch;
    const schedule = { lr: t.lr, niter: t.niter, niterDecay: t.niter_decay };
    const lrAt = (s: number): number => (t.iters > 0 ? lrForIteration(s, totalSteps, schedule) : lrForEpoch(Math.floor(s / perEpoch), schedule));

    const trainedNets = Object.fromEntries((['G', 'E', 'D', 'D2'] as NetName[]).filter((n) => nets[n]).map((n) => [n, nets[n]!]));
    // Restore, or start fresh.
    let rng = Rng.derive(config.seed, 'z');
    let position = { epoch: 0, batch: 0 };
    let restoredWindow: CheckpointState['metricWindow'];
    // Checkpoints the run recorded whose folders are gone (deleted by hand, a cleaned disk):
    // the artifacts table must not list them, and the user must know resume goes back further.
    const missing = resuming ? forgetMissingCheckpoints(store, runId, runDir) : [];
    const ckpt = resuming ? latestCheckpoint(runDir) : undefined;
    const gone = missing.filter((m) => (m.step ?? 0) > (ckpt?.step ?? -1)).map((m) => m.path);
    if (gone.length > 0) {
      tell(`recorded checkpoint${gone.length > 1 ? 's' : ''} ${gone.join(', ')} ${gone.length > 1 ? 'are' : 'is'} missing from ${runDir} (deleted?): removed from the run's artifacts; resuming from the newest complete checkpoint on disk`);
    }
    if (ckpt !== undefined) {
      const st = loadCheckpoint(ckpt.dir, trainedNets, optimizers);
      step = st.step;
      const noise = resumeNoise(st, config.seed);
      rng = noise.rng;
      if (noise.note !== undefined) tell(noise.note);
      position = { epoch: st.epoch, batch: st.batchInEpoch };
      restoredWindow = st.metricWindow;
      lastCheckpoint = ckpt.dir;
      tell(`resumed from ${relative(runDir, ckpt.dir)} (step ${step})`);
    } else if (resuming) {
      tell(`no checkpoint in ${join(runDir, RUN_FILES.checkpoints)}: starting from step 0 with the run config`);
    }
    const batches = new EpochBatches(dataset, { batchSize: t.batch_size, seed: config.seed, start: position });
    disposables.add({ dispose: () => batches.close() }); // prefetched samples

    // Fixed display inputs and z for the image grids.
    const nDisplay = Math.min(4, displaySet.size);
    const displayBatch = await loadBatch(displaySet, Array.from({ length: nDisplay }, (_, i) => i));
    const display = { A: displayBatch.A, B: displayBatch.B };
    const displayZ = tf.tensor2d(Rng.derive(config.seed, 'display').normals(t.num_samples * config.model.nz), [t.num_samples, config.model.nz]);
    disposables.add(display.A, display.B, displayZ);

    const stepCfg = stepConfigFromConfig(spec, config);
    const keys = lossKeys(spec);

    const evalEvery = t.eval_every ?? 0; // runs recorded before the key existed: off
    let evaluator: TrainingEvaluator | undefined;
    if (evalEvery > 0 && opts.createEvaluator) {
      evaluator = await opts.createEvaluator(config);
      disposables.add(evaluator);
    } else if (evalEvery > 0) {
      note(`train.eval_every=${evalEvery} ignored: no evaluator was given to trainRun (the workbench CLI gives one)`);
    }
    const evaluate = async (): Promise<void> => {
      if (!evaluator) return;
      const t0 = Date.now();
      const values = await evaluator.evaluate({ G: nets.G, E: nets.E }, step);
      const ms = Date.now() - t0;
      evalMs += ms;
      evaluations += 1;
      writer.log(step, { ...values, eval_seconds: ms / 1000 });
      note(`eval at step ${step} (${(ms / 1000).toFixed(2)} s): ${Object.entries(values).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(' ')}`);
    };

    const checkpoint = async (): Promise<void> => {
      const state: CheckpointState = {
        format: CHECKPOINT_FORMAT,
        step,
        epoch: batches.position.epoch,
        batchInEpoch: batches.position.batch,
        rng: rng.getState(),
        metricWindow: { steps: windowSteps, sums: Object.fromEntries(sums) },
        optimizerSteps: Object.fromEntries(Object.entries(optimizers).map(([n, o]) => [n, o.step])),
        lr: lrAt(Math.max(0, step - 1)),
        method: spec.name,
        runId,
        savedAt: new Date().toISOString(),
      };
      const dir = await saveCheckpoint(runDir, trainedNets, optimizers, state);
      lastCheckpoint = dir;
      store.addArtifact(runId, { kind: 'checkpoint', path: relative(runDir, dir), step });
      note(`checkpoint ${relative(runDir, dir)}`);
      for (const a of retention.afterCheckpoint(step)) store.addArtifact(runId, a);
    };
    const grid = async (): Promise<void> => {
      const rel = trainGridPath(step);
      await writeTrainingGrid(join(runDir, rel), nets, display, displayZ, `${runId} ${spec.name} step ${step}`);
      store.addArtifact(runId, { kind: 'train_grid', path: rel, step });
    };

    progress = createProgress(opts.progress ?? 'auto', { total: totalSteps, start: step, every: Math.max(t.log_every, 1), stream, label: spec.name });
    const startStep = step;
    const tStart = Date.now();
    loopStart = tStart;
    let windowStart = Date.now();
    let windowFrom = step; // it/s counts this process's iterations only
    let windowSteps = restoredWindow?.steps ?? 0;
    let lastHeartbeat = 0;
    let lastStepAt = Date.now();
    let displayRate = 0; // smoothed it/s for the progress display (the metric it_s is the window mean)
    const sums = new Map<string, number>(Object.entries(restoredWindow?.sums ?? {}));
    const heartbeatMs = opts.heartbeatMs ?? 5000;
    /** One metric point at `step`: the mean of every loss over the iterations since the last point. */
    const logPoint = (lr: number, now: number): void => {
      itPerSec = (step - windowFrom) / Math.max(1e-3, (now - windowStart) / 1000);
      const point: Record<string, number> = {};
      for (const [k, v] of sums) point[k] = v / windowSteps;
      point['lr'] = lr;
      point['it_s'] = itPerSec;
      writer.log(step, point, now);
      note(`step ${step}/${totalSteps} ${itPerSec.toFixed(2)} it/s lr ${lr.toExponential(3)} ${keys.map((k) => `${k} ${point[k]!.toPrecision(4)}`).join(' ')}`);
      sums.clear();
      windowSteps = 0;
      windowStart = now;
      windowFrom = step;
    };

    while (step < totalSteps && stop.reason() === undefined) {
      const lr = lrAt(step);
      for (const o of Object.values(optimizers)) o.lr = lr;
      const batch = await batches.next();
      let res;
      try {
        // Dropout masks are a function of (seed, step): resume draws the same ones.
        const dropoutSeed = ((config.seed + 1) * 1_000_003 + step * 16_411) % 2_147_483_647;
        res = bicycleStep(nets, optimizers, { ...stepCfg, dropoutSeed }, { A: batch.A, B: batch.B }, (_kind, n, nz) => rng.normals(n * nz));
      } finally {
        tf.dispose([batch.A, batch.B]);
      }
      step += 1;
      windowSteps += 1;
      const losses: Record<string, number> = { ...res.losses };
      if (spec.gan.length > 0) losses['loss_G'] = res.lossG;
      for (const [k, v] of Object.entries(losses)) sums.set(k, (sums.get(k) ?? 0) + v);
      opts.onStep?.(step, losses);

      const now = Date.now();
      const rate = 1000 / Math.max(1, now - lastStepAt);
      displayRate = displayRate === 0 ? rate : 0.9 * displayRate + 0.1 * rate;
      lastStepAt = now;
      if (step % t.log_every === 0 || step === totalSteps) logPoint(lr, now);
      if (now - lastHeartbeat >= heartbeatMs) {
        store.heartbeat(runId, now);
        lastHeartbeat = now;
      }
      progress.update(step, Object.fromEntries(keys.map((k) => [k, losses[k]!])), displayRate);
      if (step % t.display_every === 0 || step === totalSteps) await grid();
      if (evalEvery > 0 && (step % evalEvery === 0 || step === totalSteps)) await evaluate();
      if (step % t.checkpoint_every === 0 || step === totalSteps) {
        await writer.flush(); // metrics up to the checkpoint are durable before it exists
        await checkpoint();
      }
      // Let signal handlers and timers run between iterations.
      await new Promise<void>((r) => setImmediate(r));
    }
    progress.stop();
    // Stopped between log points: the steps since the last point get their point now (at the
    // step the checkpoint is written), so none is lost and a resume starts a fresh window.
    if (windowSteps > 0) logPoint(lrAt(step - 1), Date.now());
    itPerSec = (step - startStep) / Math.max(1e-3, (Date.now() - tStart) / 1000);
    await writer.close();
    const stopReason = stop.reason();
    if (stopReason !== undefined) {
      if (lastCheckpoint === undefined || !lastCheckpoint.endsWith(checkpointDirName(step))) await checkpoint();
      return finish('killed', `${stopReason === 'abort' ? 'stopped' : stopReason} at step ${step}`);
    }
    return finish('finished');
  } catch (err) {
    progress.stop();
    await writer.close().catch(() => undefined);
    return finish('failed', failureReason(err, { step, runDir, lastCheckpoint, config }, note, disposables));
  } finally {
    system.stop();
    stop.dispose();
    disposables.disposeAll();
  }
}
