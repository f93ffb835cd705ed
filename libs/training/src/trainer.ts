// The training loop: `trainRun(config, {store})` builds the method's networks and the dataset,
// runs iterations with the official lr schedule, logs every loss through the tracking store,
// writes image grids and checkpoints into runs/<run-id>/, and ends the run with an honest state:
//   finished  all iterations done (a final checkpoint is written)
//   failed    a NaN/Inf loss (the update is not applied, the last good checkpoint stays) or an exception
//   killed    SIGINT/SIGTERM (a checkpoint of the current step is written first)
//   crashed   never written here: the store infers it from a stale heartbeat (kill -9, power loss)
// `resume=<run-id>` continues from the newest checkpoint with the run's stored config.
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { asWasmHeapError, wasmHeapStats, WasmHeapExhaustedError } from '@workbench/backend';
import type { ResolvedConfig } from '@workbench/config';
import { createDataset, EpochBatches, loadBatch, type PairedDataset } from '@workbench/data';
import { newRunId } from '@workbench/tracking';
import { NonFiniteLossError, bicycleStep } from './bicycle-step.js';
import { buildMethodNetworks, buildOptimizers, stepConfigFromConfig } from './build-networks.js';
import { CHECKPOINT_FORMAT, checkpointDirName, latestCheckpoint, loadCheckpoint, saveCheckpoint, type CheckpointState } from './checkpoint.js';
import { lrForEpoch, lrForIteration } from './lr-schedule.js';
import { describeStepConfig, wasmMemoryRefusal } from './step-memory.js';
import { lossKeys, methodSpec, type NetName } from './methods.js';
import { createProgress, type ProgressMode } from './progress.js';
import { GaussianRng } from './rng.js';
import { writeTrainingGrid } from './training-grid.js';
import type { TrackingSink } from './tracking-sink.js';

export type RunEndStatus = 'finished' | 'failed' | 'killed';

export interface TrainRunOptions {
  /** The local store (`openStore`) or a remote client (`tracking.uri`): see tracking-sink.ts. */
  store: TrackingSink;
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
  /** Called once the run is recorded (new or resumed), before any training. */
  onStart?: (run: { runId: string; runDir: string; resumed: boolean }) => void;
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
}

export class TrainError extends Error {
  override name = 'TrainError';
}

function gitInfo(): { commit: string | null; dirty: boolean | null } {
  try {
    const opts = { stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'], encoding: 'utf8' as const, timeout: 5000 };
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.version, '@tensorflow/tfjs': tf.version.tfjs };
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    versions['bicyclegan-workbench'] = pkg.version;
  } catch {
    // not fatal: versions are informative
  }
  return versions;
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

export async function trainRun(input: ResolvedConfig, opts: TrainRunOptions): Promise<TrainRunResult> {
  const { store } = opts;
  const resuming = input.resume !== '';
  let config = input;
  let runId: string;
  let runDir: string;
  if (resuming) {
    runId = input.resume;
    const row = await store.getRun(runId);
    if (row === undefined) throw new TrainError(`resume=${runId}: no such run in ${store.path}; list runs with 'workbench runs'`);
    // the same config as the original run (only `resume` differs)
    config = { ...(row.config as unknown as ResolvedConfig), resume: runId };
    runDir = row.runDir ?? resolve(config.train.runs_dir, runId);
  } else {
    runId = opts.runId ?? newRunId();
    runDir = resolve(config.train.runs_dir, runId);
  }
  const spec = methodSpec(config.method);
  const t = config.train;
  const stream = opts.stream ?? process.stderr;

  // What a bad config can break happens before the run is recorded: a wrong data.root or an
  // impossible crop size is a user error, not a failed run; so is a step too large for wasm's heap.
  const dataset = await createDataset(config.data, 'train');
  // Released on every exit path, including a failure while the rest is being built.
  const disposables: Array<{ dispose(): void }> = [dataset];
  let heapFailed = false;
  const disposeAll = (): void => {
    for (const d of disposables) {
      try {
        d.dispose();
      } catch (err) {
        if (!heapFailed) throw err; // a wasm module that aborted cannot free anything any more
      }
    }
  };
  let perEpoch: number;
  let displaySet: PairedDataset;
  let nets: ReturnType<typeof buildMethodNetworks>;
  let optimizers: ReturnType<typeof buildOptimizers>;
  try {
    const probe = new EpochBatches(dataset, { batchSize: t.batch_size, seed: config.seed });
    perEpoch = probe.batchesPerEpoch;
    probe.close();
    displaySet = await openDisplaySet(config);
    disposables.push(displaySet);
    const refusal = tf.getBackend() === 'wasm' ? wasmMemoryRefusal(config) : undefined; // before allocating anything large
    if (refusal !== undefined) throw new TrainError(refusal);
    nets = buildMethodNetworks(spec, { model: config.model, data: config.data }, config.seed);
    disposables.push(nets);
    optimizers = buildOptimizers(nets, t);
    disposables.push(...Object.values(optimizers));
  } catch (err) {
    disposeAll();
    throw err;
  }
  const logFile = join(runDir, 'train.log');
  const note = (line: string): void => appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  /** A note the user should also see on the console (unless progress output is off). */
  const tell = (line: string): void => {
    note(line);
    if (opts.progress !== 'none') stream.write(`${line}\n`);
  };
  try {
    mkdirSync(runDir, { recursive: true });
    if (resuming) {
      await store.resumeRun(runId);
      note(`resume requested (pid ${process.pid})`);
    } else {
      writeFileSync(join(runDir, 'config.yaml'), stringify(config, { lineWidth: 0 }));
      writeFileSync(join(runDir, 'overrides.yaml'), stringify(opts.overrides ?? []));
      const git = gitInfo();
      await store.createRun({
        id: runId,
        method: config.method,
        config: config as unknown as Record<string, unknown>,
        seed: config.seed,
        ...(config.name ? { name: config.name } : {}),
        gitCommit: git.commit,
        gitDirty: git.dirty,
        backend: opts.backend ?? tf.getBackend(),
        packageVersions: packageVersions(),
        command: opts.command ?? null,
        runDir,
        sweepId: config.sweep?.id || null,
        jobId: config.sweep?.job || null,
      });
      note(`run ${runId} created: method ${config.method}, backend ${opts.backend ?? tf.getBackend()}`);
    }
  } catch (err) {
    disposeAll();
    throw err;
  }

  opts.onStart?.({ runId, runDir, resumed: resuming });

  // From here on every exit path records how the run ended.
  let stopReason: string | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopReason !== undefined) process.exit(sig === 'SIGINT' ? 130 : 143); // a second signal: stop now
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

  const writer = store.metricWriter(runId);
  let step = 0;
  let totalSteps = 0;
  let itPerSec = 0;
  let lastCheckpoint: string | undefined;
  let progress = createProgress('none', { total: 1, start: 0, every: 1 });
  const finish = async (status: RunEndStatus, reason?: string): Promise<TrainRunResult> => {
    await store.finishRun(runId, status, reason ?? null);
    note(`${status}${reason ? `: ${reason}` : ''} at step ${step}`);
    return { runId, runDir, status, ...(reason ? { reason } : {}), step, totalSteps, itPerSec, ...(lastCheckpoint ? { lastCheckpoint } : {}) };
  };

  try {
    totalSteps = t.iters > 0 ? t.iters : (t.niter + t.niter_decay) * perEpoch;
    const schedule = { lr: t.lr, niter: t.niter, niterDecay: t.niter_decay };
    const lrAt = (s: number): number => (t.iters > 0 ? lrForIteration(s, totalSteps, schedule) : lrForEpoch(Math.floor(s / perEpoch), schedule));

    const trainedNets = Object.fromEntries((['G', 'E', 'D', 'D2'] as NetName[]).filter((n) => nets[n]).map((n) => [n, nets[n]!]));
    // Restore, or start fresh.
    let rng = new GaussianRng(`${config.seed}:z`);
    let position = { epoch: 0, batch: 0 };
    const ckpt = resuming ? latestCheckpoint(runDir) : undefined;
    if (ckpt !== undefined) {
      const st = loadCheckpoint(ckpt.dir, trainedNets, optimizers);
      step = st.step;
      rng = new GaussianRng(`${config.seed}:z`, st.rng);
      position = { epoch: st.epoch, batch: st.batchInEpoch };
      lastCheckpoint = ckpt.dir;
      tell(`resumed from ${relative(runDir, ckpt.dir)} (step ${step})`);
    } else if (resuming) {
      tell(`no checkpoint in ${join(runDir, 'checkpoints')}: starting from step 0 with the run config`);
    }
    const batches = new EpochBatches(dataset, { batchSize: t.batch_size, seed: config.seed, start: position });
    disposables.push({ dispose: () => batches.close() }); // prefetched samples

    // Fixed display inputs and z for the image grids.
    const nDisplay = Math.min(4, displaySet.size);
    const displayBatch = await loadBatch(displaySet, Array.from({ length: nDisplay }, (_, i) => i));
    const display = { A: displayBatch.A, B: displayBatch.B };
    const displayZ = tf.tensor2d(new GaussianRng(`${config.seed}:display`).normals(t.num_samples * config.model.nz), [t.num_samples, config.model.nz]);
    disposables.push(display.A, display.B, displayZ);

    const stepCfg = stepConfigFromConfig(spec, config);
    const keys = lossKeys(spec);

    const checkpoint = async (): Promise<void> => {
      const state: CheckpointState = {
        format: CHECKPOINT_FORMAT,
        step,
        epoch: batches.position.epoch,
        batchInEpoch: batches.position.batch,
        rng: rng.getState(),
        optimizerSteps: Object.fromEntries(Object.entries(optimizers).map(([n, o]) => [n, o.step])),
        lr: lrAt(Math.max(0, step - 1)),
        method: spec.name,
        runId,
        savedAt: new Date().toISOString(),
      };
      const dir = await saveCheckpoint(runDir, trainedNets, optimizers, state);
      lastCheckpoint = dir;
      await store.addArtifact(runId, { kind: 'checkpoint', path: relative(runDir, dir), step });
      note(`checkpoint ${relative(runDir, dir)}`);
    };
    const grid = async (): Promise<void> => {
      const rel = join('images', `${checkpointDirName(step)}.png`);
      await writeTrainingGrid(join(runDir, rel), nets, display, displayZ, `${runId} ${spec.name} step ${step}`);
      await store.addArtifact(runId, { kind: 'train_grid', path: rel, step });
    };

    progress = createProgress(opts.progress ?? 'auto', { total: totalSteps, start: step, every: Math.max(t.log_every, 1), stream, label: spec.name });
    const startStep = step;
    const tStart = Date.now();
    let windowStart = Date.now();
    let windowSteps = 0;
    let lastHeartbeat = 0;
    let lastStepAt = Date.now();
    let displayRate = 0; // smoothed it/s for the progress display (the metric it_s is the window mean)
    const sums = new Map<string, number>();
    const heartbeatMs = opts.heartbeatMs ?? 5000;

    while (step < totalSteps && stopReason === undefined) {
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
      if (step % t.log_every === 0 || step === totalSteps) {
        itPerSec = windowSteps / Math.max(1e-3, (now - windowStart) / 1000);
        const point: Record<string, number> = {};
        for (const [k, v] of sums) point[k] = v / windowSteps; // mean over the iterations since the last point
        point['lr'] = lr;
        point['it_s'] = itPerSec;
        const heap = wasmHeapStats();
        if (heap !== undefined) point['wasm_heap_gib'] = heap.heapBytes / 1024 ** 3; // high-water mark of the 4 GiB heap
        writer.log(step, point, now);
        note(`step ${step}/${totalSteps} ${itPerSec.toFixed(2)} it/s lr ${lr.toExponential(3)} ${keys.map((k) => `${k} ${point[k]!.toPrecision(4)}`).join(' ')}`);
        sums.clear();
        windowSteps = 0;
        windowStart = now;
      }
      if (now - lastHeartbeat >= heartbeatMs) {
        store.heartbeat(runId, now);
        lastHeartbeat = now;
      }
      progress.update(step, Object.fromEntries(keys.map((k) => [k, losses[k]!])), displayRate);
      if (step % t.display_every === 0 || step === totalSteps) await grid();
      if (step % t.checkpoint_every === 0 || step === totalSteps) {
        await writer.flush(); // metrics up to the checkpoint are durable before it exists
        await checkpoint();
      }
      // Let signal handlers and timers run between iterations.
      await new Promise<void>((r) => setImmediate(r));
    }
    progress.stop();
    itPerSec = (step - startStep) / Math.max(1e-3, (Date.now() - tStart) / 1000);
    await writer.close();
    if (stopReason !== undefined) {
      if (lastCheckpoint === undefined || !lastCheckpoint.endsWith(checkpointDirName(step))) await checkpoint();
      return await finish('killed', `${stopReason === 'abort' ? 'stopped' : stopReason} at step ${step}`);
    }
    return await finish('finished');
  } catch (err) {
    progress.stop();
    await writer.close().catch(() => undefined);
    if (err instanceof NonFiniteLossError) {
      const kept = lastCheckpoint ? `last good checkpoint ${relative(runDir, lastCheckpoint)}` : 'no checkpoint was written yet';
      return await finish('failed', `non-finite loss: ${err.lossKey} = ${err.value} at step ${step + 1} (update not applied; ${kept})`);
    }
    const heapErr = asWasmHeapError(err);
    if (heapErr instanceof WasmHeapExhaustedError) {
      heapFailed = true;
      const kept = lastCheckpoint ? `last good checkpoint ${relative(runDir, lastCheckpoint)}` : 'no checkpoint was written yet';
      if (err instanceof Error && err.stack) note(err.stack);
      return await finish('failed', `at step ${step + 1} with ${describeStepConfig(config)}: ${heapErr.message} (metrics up to step ${step} kept; ${kept})`);
    }
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof Error && err.stack) note(err.stack);
    return await finish('failed', message);
  } finally {
    if (opts.handleSignals !== false) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    opts.signal?.removeEventListener('abort', onAbort);
    disposeAll();
  }
}
