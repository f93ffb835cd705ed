// `workbench start` (what `npm start` runs): the quick ablation sweep on the built-in dataset,
// its evaluation and tables, then the dashboard. Each step is a documented command of its own:
//
//   workbench train -m +experiment=quick      # 4 methods, 32 px shapes, ~10 min on 2 cores
//   workbench eval <sweep>                    # diversity, mode coverage, reconstruction
//   workbench table <sweep>                   # the paper-layout tables
//   workbench serve                           # the dashboard
//
// Running it again reuses the newest quick sweep: finished jobs are kept, unfinished ones resume
// (`--fresh` starts a new sweep).
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { composeConfig } from '@workbench/config';
import { formatTables, paperTables } from '@workbench/metrics';
import { WORKBENCH_BIN } from '@workbench/sweep';
import { openStore, type SweepRow, type TrackingStore } from '@workbench/tracking';
import { intFlag } from '../int-flag.js';
import { UserError } from '../user-error.js';
import { withConfigErrors } from './config.js';
import { serveDashboard, serveSettings } from './serve.js';
import { runMultirunSweep } from './sweep.js';

const QUICK_EXPERIMENT = 'quick';

interface StartOptions {
  fresh?: boolean;
  serve: boolean;
  jobs?: number;
}

/** Runs `workbench <args>` as a child process with inherited output; resolves to its exit code. */
function runWorkbench(args: string[]): Promise<number> {
  console.log(`\n$ workbench ${args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKBENCH_BIN, ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

/** The newest sweep of the quick experiment in this database, if any. */
function latestQuickSweep(store: TrackingStore): SweepRow | undefined {
  const { sweeps } = store.listSweeps({ limit: 200 });
  return sweeps.find((s) => s.experiment === QUICK_EXPERIMENT);
}

/** True when every finished run of the sweep already has eval results (eval is idempotent but not free). */
function isEvaluated(store: TrackingStore, sweepId: string): boolean {
  const finished = store.listRuns({ sweepId, status: ['finished'] }).runs;
  if (finished.length === 0) return false;
  const evaluated = new Set(store.evalResults({ sweepId }).map((e) => e.runId));
  return finished.every((r) => evaluated.has(r.id));
}

async function trainQuickSweep(store: TrackingStore, extra: string[], opts: StartOptions): Promise<string> {
  const previous = opts.fresh ? undefined : latestQuickSweep(store);
  if (!previous) {
    const { exitCode, sweepId } = await runMultirunSweep([`+experiment=${QUICK_EXPERIMENT}`, ...extra], { jobs: opts.jobs });
    if (!sweepId) throw new UserError('the quick sweep did not start');
    if (exitCode === 130) throw new UserError(`interrupted; continue with: npm start (or workbench sweep resume ${sweepId})`, 130);
    return sweepId;
  }
  const full = store.getSweep(previous.id);
  const unfinished = full ? full.jobs.filter((j) => j.status !== 'finished').length : 0;
  if (unfinished === 0) {
    console.log(`reusing the finished quick sweep ${previous.id} (npm start -- --fresh trains a new one)`);
  } else {
    console.log(`resuming the quick sweep ${previous.id}: ${unfinished} job(s) not finished`);
    const code = await runWorkbench(['sweep', 'resume', previous.id, ...extra.filter((o) => o.startsWith('tracking.db='))]);
    if (code === 130) throw new UserError(`interrupted; continue with: npm start (or workbench sweep resume ${previous.id})`, 130);
  }
  return previous.id;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the quick ablation sweep on the built-in dataset, evaluate it, print its tables, then serve the dashboard')
    .argument('[overrides...]', 'extra overrides for every job and the server, e.g. tracking.db=quick.db serve.port=8080')
    .option('--fresh', 'train a new quick sweep even if one exists in the database')
    .option('--no-serve', 'stop after the tables instead of serving the dashboard')
    .option('-j, --jobs <n>', 'parallel training jobs (default: what the cores allow)', intFlag('--jobs', 1))
    .action(async (overrides: string[], opts: StartOptions) => {
      const { config } = withConfigErrors(() => composeConfig({ overrides }));
      const store = openStore(config.tracking.db);
      let sweepId: string;
      try {
        sweepId = await trainQuickSweep(store, overrides, opts);
      } finally {
        store.close();
      }

      const evalStore = openStore(config.tracking.db);
      try {
        if (isEvaluated(evalStore, sweepId)) console.log(`\nsweep ${sweepId} is already evaluated`);
        else await runWorkbench(['eval', sweepId, ...overrides]);
        const tables = paperTables(evalStore, sweepId, { lpipsVersion: config.eval.lpips_version });
        console.log(`\n${formatTables(tables, 'md')}`);
      } finally {
        evalStore.close();
      }

      if (!opts.serve) return;
      const running = await serveDashboard(serveSettings(overrides));
      console.log(`the quick sweep: ${running.url}/#/sweep/${encodeURIComponent(sweepId)}  (Ctrl-C stops the server)`);
    });
}
