// The sweep of a named experiment, trained once and then reused: `workbench start` (the quick
// experiment) and `workbench reproduce` (the paper grids) both take the newest sweep of their
// experiment from the database, resume its unfinished jobs, and evaluate it once.
import { spawn } from 'node:child_process';
import { WORKBENCH_BIN } from '@workbench/sweep';
import type { SweepRow, TrackingStore } from '@workbench/tracking';
import { UserError } from '../user-error.js';
import { runMultirunSweep } from './sweep.js';

/** Runs `workbench <args>` as a child process with inherited output; resolves to its exit code. */
export function runWorkbench(args: string[]): Promise<number> {
  console.log(`\n$ workbench ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKBENCH_BIN, ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

/** The newest sweep of `experiment` (`quick`, `paper/methods`) in this database, if any. */
export function latestSweepOf(store: TrackingStore, experiment: string): SweepRow | undefined {
  const { sweeps } = store.listSweeps({ limit: 200 });
  return sweeps.find((s) => s.experiment === experiment);
}

/** Jobs of the sweep that have not finished (pending, running, failed, ...). */
export function unfinishedJobs(store: TrackingStore, sweepId: string): number {
  return store.getSweep(sweepId)?.jobs.filter((j) => j.status !== 'finished').length ?? 0;
}

/** Finished runs of the sweep without eval results (eval is idempotent but not free). */
export function unevaluatedRuns(store: TrackingStore, sweepId: string): { missing: string[]; finished: number } {
  const evaluated = new Set(store.evalResults({ sweepId }).map((e) => e.runId));
  const finished = store.listRuns({ sweepId, status: ['finished'] }).runs;
  return { missing: finished.filter((r) => !evaluated.has(r.id)).map((r) => r.id), finished: finished.length };
}

export interface ExperimentSweepOptions {
  /** train a new sweep even if one exists */
  fresh?: boolean;
  jobs?: number;
  /** the command that continues after an interruption, for the message */
  again: string;
  /** the command that trains a new sweep instead, for the message */
  freshCommand: string;
}

/**
 * The sweep of `experiment`: the newest one in the database (its unfinished jobs resumed), or a
 * new one trained with `overrides`. Resolves to its id once every job has run.
 */
export async function trainExperimentSweep(store: TrackingStore, experiment: string, overrides: string[], opts: ExperimentSweepOptions): Promise<string> {
  const previous = opts.fresh ? undefined : latestSweepOf(store, experiment);
  if (!previous) {
    const { exitCode, sweepId } = await runMultirunSweep([`+experiment=${experiment}`, ...overrides], { jobs: opts.jobs });
    if (!sweepId) throw new UserError(`the ${experiment} sweep did not start`);
    if (exitCode === 130) throw new UserError(`interrupted; continue with: ${opts.again} (or workbench sweep resume ${sweepId})`, 130);
    return sweepId;
  }
  const unfinished = unfinishedJobs(store, previous.id);
  if (unfinished === 0) {
    console.log(`reusing the finished ${experiment} sweep ${previous.id} (${opts.freshCommand} trains a new one)`);
  } else {
    console.log(`resuming the ${experiment} sweep ${previous.id}: ${unfinished} job(s) not finished`);
    const code = await runWorkbench(['sweep', 'resume', previous.id, ...overrides.filter((o) => o.startsWith('tracking.db='))]);
    if (code === 130) throw new UserError(`interrupted; continue with: ${opts.again} (or workbench sweep resume ${previous.id})`, 130);
  }
  return previous.id;
}

/**
 * Evaluates the finished runs of the sweep that have no results yet: the whole sweep in one
 * process when none has, else each missing run on its own (a sweep evaluation would redo all).
 */
export async function evaluateSweep(store: TrackingStore, sweepId: string, overrides: string[]): Promise<void> {
  const { missing, finished } = unevaluatedRuns(store, sweepId);
  if (missing.length === 0) {
    console.log(`\nsweep ${sweepId}: every finished run is evaluated`);
    return;
  }
  for (const target of missing.length === finished ? [sweepId] : missing) {
    const code = await runWorkbench(['eval', target, ...overrides]);
    if (code === 130) throw new UserError(`evaluation of ${target} interrupted; run it again: workbench eval ${target}`, 130);
    if (code !== 0) throw new UserError(`workbench eval ${target} failed (exit ${code}); see its output above`);
  }
}
