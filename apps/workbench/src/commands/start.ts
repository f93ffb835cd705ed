// `workbench start` (what `npm start` runs): the quick ablation sweep on the built-in dataset,
// its evaluation and tables, then the dashboard. Each step is a documented command of its own:
//
//   workbench train -m +experiment=quick      # 4 methods, 32 px shapes, ~7 min on 2 cores
//   workbench eval <sweep>                    # diversity, mode coverage, reconstruction
//   workbench table <sweep>                   # the paper-layout tables
//   workbench serve                           # the dashboard
//
// Running it again reuses the newest quick sweep: finished jobs are kept, unfinished ones resume
// (`--fresh` starts a new sweep).
import type { Command } from 'commander';
import { composeConfig } from '@workbench/config';
import { formatTables, paperTables } from '@workbench/metrics';
import { openStore } from '@workbench/tracking';
import { intFlag } from '../int-flag.js';
import { withConfigErrors } from './config.js';
import { evaluateSweep, trainExperimentSweep } from './experiment-sweep.js';
import { serveDashboard, serveSettings } from './serve.js';

const QUICK_EXPERIMENT = 'quick';

interface StartOptions {
  fresh?: boolean;
  serve: boolean;
  jobs?: number;
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
        sweepId = await trainExperimentSweep(store, QUICK_EXPERIMENT, overrides, { ...opts, again: 'npm start', freshCommand: 'npm start -- --fresh' });
      } finally {
        store.close();
      }

      const evalStore = openStore(config.tracking.db);
      try {
        await evaluateSweep(evalStore, sweepId, overrides);
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
