// The run a trainRun call works on: a new one, or the one `resume=` names (with its stored
// config), and recording its start (folder, config files, environment, the store's row).
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ResolvedConfig } from '@workbench/config';
import { newRunId, RUN_FILES, runFolder, storedConfigFields, storedConfigHeader, storedConfigOf, type RunRecorder } from '@workbench/tracking';
import { captureEnvironment } from './run-environment.js';
import { TrainError } from './train-error.js';
import type { TrainRunOptions } from './train-run-options.js';

/** Which run this is: a new one, or the one `resume=` names with its stored config (only
 *  `resume` differs); its folder is the run layout's `<train.runs_dir>/<id>`. */
export interface OpenedRun {
  config: ResolvedConfig;
  runId: string;
  runDir: string;
  resuming: boolean;
}

export async function openRun(input: ResolvedConfig, store: RunRecorder, newId: string | undefined): Promise<OpenedRun> {
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

/** Records the start: a new run's folder, config files, environment and row; or the resume. */
export async function recordStart(run: OpenedRun, opts: TrainRunOptions, note: (line: string) => void): Promise<void> {
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
