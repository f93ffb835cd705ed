// `workbench sweep run|resume|status|list`, and `runMultirun` behind `workbench train -m`.
//
//   npx workbench sweep run +experiment=paper/encoder_injection --dry-run     # list the 12 jobs
//   npx workbench sweep run model.nz=2,8 seed=0,1 train.iters=200 --jobs 2
//   npx workbench sweep resume sweep-20261128-091500-3fa9c2
//   npx workbench sweep status sweep-20261128-091500-3fa9c2
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { ConfigError, composeConfig, formatValue } from '@workbench/config';
import {
  SweepError,
  createLauncher,
  extendSweep,
  formatSummary,
  planExtension,
  planSweep,
  resumePlan,
  resumeSweep,
  runSweep,
  summaryRows,
  type Launcher,
  type RunSweepOptions,
  type SweepPlan,
  type SweepResult,
} from '@workbench/sweep';
import { formatTable } from '@workbench/text';
import { openStore, resolveRunsRoot, TrackingInputError, type TrackingStore } from '@workbench/tracking';
import { intFlag } from '../int-flag.js';
import { cliId, UserError, withUserErrors } from '../user-error.js';
import { registerSweepLifecycle } from './lifecycle.js';
import { formatSchedulerStatus, registerSweepCancel, schedulerStatus } from './sweep-scheduler.js';

export interface MultirunOptions {
  dryRun?: boolean;
  /** Parallel jobs (default: launcher.jobs, else what the cores allow). */
  jobs?: number;
  /** Echo every job's output, prefixed with its index. */
  verbose?: boolean;
  /** Add the jobs to this sweep, reusing its finished jobs (see libs/sweep extend-sweep.ts). */
  extend?: string;
}

/** The library errors a sweep command reports as one-line user mistakes (sync or async `fn`). */
function userErrors<T>(fn: () => T): T {
  return withUserErrors([ConfigError, SweepError, TrackingInputError], fn);
}

function printPlan(plan: SweepPlan): void {
  const axes = Object.entries(plan.grid)
    .map(([k, v]) => `${k}=[${v.map(formatValue).join(',')}]`)
    .join(' x ');
  console.log(`${plan.jobs.length} jobs${plan.experiment ? ` of ${plan.experiment}` : ''}: ${axes || '(no axes)'}`);
  const rows = plan.jobs.map((j) => [String(j.index), j.jobId, Object.entries(j.axes).map(([k, v]) => `${k}=${formatValue(v)}`).join(' '), j.name]);
  console.log(formatTable(['#', 'job', 'axes', 'name'], rows, { align: ['right'] }));
  const [first] = plan.jobs;
  if (first) console.log(`each job runs: workbench train ${first.overrides.join(' ')} sweep.id=<sweep> sweep.job=${formatValue(first.jobId)}`);
}

/** Ctrl-C once: stop cleanly (jobs get SIGTERM and checkpoint); twice: kill. */
function interruptControl(): { stop: AbortController; kill: AbortController; dispose: () => void } {
  const stop = new AbortController();
  const kill = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      console.error(`\n${signal}: stopping the sweep; running jobs save a checkpoint and stop (press Ctrl-C again to kill them now)`);
      stop.abort();
    } else if (!kill.signal.aborted) {
      console.error(`\n${signal}: killing the running jobs`);
      kill.abort();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stop,
    kill,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function finish(store: TrackingStore, result: SweepResult): number {
  console.log('');
  console.log(formatSummary(summaryRows(store, result.sweep)));
  console.log(`sweep ${result.sweepId}: ${result.status}  (folder ${result.sweepDir})`);
  if (result.status !== 'finished') console.log(`rerun what did not finish: workbench sweep resume ${result.sweepId}`);
  store.close();
  return result.status === 'finished' ? 0 : result.status === 'cancelled' ? 130 : 1;
}

/**
 * Plan and run a multirun (`workbench train -m ...` and `workbench sweep run ...`).
 * Returns the process exit code: 0 all jobs finished, 1 some failed, 130 interrupted.
 */
export async function runMultirun(overrides: string[], opts: MultirunOptions = {}): Promise<number> {
  return (await runMultirunSweep(overrides, opts)).exitCode;
}

/** `runMultirun` that also returns the sweep id (absent for --dry-run), e.g. to evaluate it next. */
export async function runMultirunSweep(overrides: string[], opts: MultirunOptions = {}): Promise<{ exitCode: number; sweepId?: string }> {
  const plan = userErrors(() => planSweep(overrides));
  if (opts.extend) return extendMultirun(opts.extend, plan, overrides, opts);
  if (opts.dryRun) {
    printPlan(plan);
    return { exitCode: 0 };
  }
  const launcher = userErrors(() => createLauncher(plan.settings.launcher, { workers: opts.jobs }));
  const store = openStore(plan.settings.tracking.db);
  console.log(`${plan.jobs.length} jobs, ${JSON.stringify(launcher.describe())}`);
  console.log(`database ${resolve(plan.settings.tracking.db)} · runs ${resolveRunsRoot(plan.settings.runsDir)}`);
  return runAttached(store, launcher, opts.verbose, (runOpts) => userErrors(() => runSweep(plan, { ...runOpts, command: ['workbench', 'train', '-m', ...overrides].join(' ') })));
}

/** `sweep run --extend <id>`: the plan's jobs added to an existing sweep; only new (and unfinished) jobs run. */
async function extendMultirun(sweepId: string, plan: SweepPlan, overrides: string[], opts: MultirunOptions): Promise<{ exitCode: number; sweepId?: string }> {
  const store = openStore(plan.settings.tracking.db, { mustExist: true });
  const existing = store.getSweep(sweepId);
  if (!existing) {
    store.close();
    throw new UserError(`unknown sweep '${sweepId}' in ${store.path} (see: workbench sweep list)`);
  }
  const ext = userErrors(() => planExtension(store, existing, plan));
  console.log(`extend ${sweepId}: ${ext.reused.length} finished jobs reused, ${ext.added.length} new, ${ext.rerun.length} unfinished rerun`);
  if (opts.dryRun) {
    for (const j of ext.added) console.log(`  new    ${j.index}  ${j.jobId}  ${Object.entries(j.axes).map(([k, v]) => `${k}=${formatValue(v)}`).join(' ')}`);
    for (const j of ext.rerun) console.log(`  rerun  ${j.index}  ${j.jobId}  ${j.previous}`);
    store.close();
    return { exitCode: 0, sweepId };
  }
  const launcher = userErrors(() => createLauncher(plan.settings.launcher, { workers: opts.jobs }));
  return runAttached(store, launcher, opts.verbose, (runOpts) => userErrors(() => extendSweep(sweepId, plan, { ...runOpts, command: ['workbench', 'sweep', 'run', ...overrides, '--extend', sweepId].join(' ') })));
}

/**
 * Runs a sweep (`go`: run or resume) attached to this terminal: progress on the console, Ctrl-C
 * stops it (twice: kills the jobs). Prints the summary and returns the exit code of `finish`.
 */
async function runAttached(
  store: TrackingStore,
  launcher: Launcher,
  verbose: boolean | undefined,
  go: (opts: RunSweepOptions) => Promise<SweepResult>,
): Promise<{ exitCode: number; sweepId: string }> {
  const control = interruptControl();
  try {
    const result = await go({
      store,
      launcher,
      control: { stop: control.stop.signal, kill: control.kill.signal },
      log: (line) => console.log(line),
      echoOutput: verbose,
      progressEveryMs: verbose ? undefined : 60_000,
    });
    return { exitCode: finish(store, result), sweepId: result.sweepId };
  } finally {
    control.dispose();
  }
}

/** The tracking database named by some overrides (`tracking.db=...`, env WORKBENCH_DB). */
function storeFor(overrides: string[]): TrackingStore {
  const db = userErrors(() => composeConfig({ overrides }).config.tracking.db);
  return openStore(db, { mustExist: true });
}

export function registerSweep(program: Command): void {
  const sweep = program.command('sweep').description('run, resume and inspect multirun sweeps (jobs recorded in the tracking database)');

  sweep
    .command('run')
    .description('expand the grid of the overrides and run every job (the same as `workbench train -m`)')
    .argument('<overrides...>', 'overrides with sweep axes, e.g. +experiment=paper/latent_size or model.nz=2,8 seed=0,1,2')
    .option('--dry-run', 'list the jobs without running them')
    .option('-j, --jobs <n>', 'parallel jobs (default: launcher.jobs, else one per core within memory)', intFlag('--jobs', 1))
    .option('-v, --verbose', "echo every job's output")
    .option('--extend <sweep-id>', 'add the jobs to this sweep (more seeds or axis values): its finished jobs are reused by their stable ids, only new and unfinished jobs run')
    .action(async (overrides: string[], opts: { dryRun?: boolean; jobs?: number; verbose?: boolean; extend?: string }) => {
      process.exitCode = await runMultirun(overrides, opts);
    });

  sweep
    .command('resume')
    .description('rerun the jobs of a sweep that failed, crashed, were killed or never ran')
    .argument('<sweep-id>')
    .argument('[overrides...]', 'only tracking.db=... is read (which database holds the sweep)')
    .option('--dry-run', 'list the jobs that would rerun')
    .option('-j, --jobs <n>', 'parallel jobs', intFlag('--jobs', 1))
    .option('-v, --verbose', "echo every job's output")
    .action(async (sweepId: string, overrides: string[], opts: { dryRun?: boolean; jobs?: number; verbose?: boolean }) => {
      const store = storeFor(overrides);
      const existing = store.getSweep(cliId(sweepId, 'sweep'));
      if (!existing) throw new UserError(`unknown sweep '${sweepId}' (see: workbench sweep list)`);
      const todo = resumePlan(store, existing);
      if (opts.dryRun || todo.length === 0) {
        console.log(todo.length === 0 ? `sweep ${sweepId}: every job finished; nothing to resume` : `${todo.length} of ${existing.jobs.length} jobs would rerun:`);
        for (const j of todo) {
          const how = j.continues ? `continues run ${j.continues} from its checkpoint` : 'starts over';
          console.log(`  ${j.index}  ${j.jobId}  ${j.previous.padEnd(8)} ${how}`);
        }
        store.close();
        return;
      }
      const [first] = todo;
      if (!first) throw new Error('sweep resume: empty plan after the nothing-to-resume check')
      const cfg = userErrors(() => composeConfig({ overrides: first.overrides }).config);
      const launcher = userErrors(() => createLauncher(cfg.launcher, { workers: opts.jobs }));
      console.log(`resuming ${todo.length} of ${existing.jobs.length} jobs, ${JSON.stringify(launcher.describe())}`);
      process.exitCode = (await runAttached(store, launcher, opts.verbose, (runOpts) => userErrors(() => resumeSweep(sweepId, runOpts)))).exitCode;
    });

  sweep
    .command('status')
    .description('the jobs of a sweep: status, axes, time, run and headline metrics')
    .argument('<sweep-id>')
    .argument('[overrides...]', 'only tracking.db=... is read')
    .option('--json', 'print the sweep and its jobs as JSON')
    .action(async (sweepId: string, overrides: string[], opts: { json?: boolean }) => {
      const store = storeFor(overrides);
      const s = store.getSweep(cliId(sweepId, 'sweep'));
      if (!s) {
        store.close();
        throw new UserError(`unknown sweep '${sweepId}' (see: workbench sweep list)`);
      }
      const scheduler = await schedulerStatus(s); // launcher=slurm: Slurm's view merged in
      if (opts.json) console.log(JSON.stringify({ ...s, summary: summaryRows(store, s), scheduler }, null, 2));
      else {
        console.log(`sweep ${s.id}: ${s.status}  ${s.experiment ?? s.overrides.join(' ')}  (${new Date(s.createdAt).toISOString()})`);
        console.log(formatSummary(summaryRows(store, s)));
        if (scheduler) console.log(formatSchedulerStatus(scheduler));
      }
      store.close();
    });

  registerSweepCancel(sweep, storeFor);
  registerSweepLifecycle(sweep);

  sweep
    .command('list')
    .description('sweeps in the tracking database, newest first')
    .argument('[overrides...]', 'only tracking.db=... is read')
    .option('-n, --limit <n>', 'how many', intFlag('--limit', 1), 20)
    .option('--archived', 'only archived sweeps (hidden by default)')
    .option('--all', 'archived sweeps too')
    .action((overrides: string[], opts: { limit: number; archived?: boolean; all?: boolean }) => {
      const store = storeFor(overrides);
      const { sweeps, total } = store.listSweeps({ limit: opts.limit, archived: opts.all ? undefined : Boolean(opts.archived) });
      if (total === 0) console.log('no sweeps yet: workbench sweep run <overrides...>');
      for (const s of sweeps) {
        const full = store.getSweep(s.id);
        const counts = full ? Object.entries(full.counts).map(([k, n]) => `${n} ${k}`).join(', ') : '';
        console.log(`${s.id}  ${s.status.padEnd(9)}  ${new Date(s.createdAt).toISOString().slice(0, 16)}  ${(s.experiment ?? s.overrides.join(' ')).slice(0, 50)}  [${counts}]`);
      }
      if (total > sweeps.length) console.log(`(${total - sweeps.length} more: --limit ${total})`);
      store.close();
    });
}
