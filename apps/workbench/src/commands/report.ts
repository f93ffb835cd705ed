// `workbench report <sweep-id> [--out dir]`: a self-contained folder (Markdown, PNG charts, sample
// grids) with the sweep's swept keys, tables with 95 % CIs, metric curves and one grid per group.
//
//   npx workbench report sw-20261128-quick                 # -> reports/sw-20261128-quick/README.md
//   npx workbench report sw-20261128-quick --out docs/reproduction/quick --reference BicycleGAN
import type { Command } from 'commander';
import { join } from 'node:path';
import { composeConfig } from '@workbench/config';
import { UnknownSweepError } from '@workbench/metrics';
import { openStore, resolveRunsRoot } from '@workbench/tracking';
import { buildReport } from '../report/build-report.js';
import { UserError } from '../user-error.js';
import { withConfigErrors } from './config.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained report folder of a sweep: Markdown, tables with 95 % CIs, PNG charts and curves, one sample grid per group')
    .argument('<sweep-id>')
    .argument('[overrides...]', 'tracking.db=<file>')
    .option('--out <dir>', 'output folder (default reports/<sweep-id>)')
    .option('--reference <row>', "the row the others are tested against, as labelled (default: each table's first row)")
    .action(async (sweepId: string, overrides: string[], opts: { out?: string; reference?: string }) => {
      const { config } = withConfigErrors(() => composeConfig({ overrides }));
      const store = openStore(config.tracking.db, { mustExist: true });
      try {
        const res = await buildReport(store, sweepId, { outDir: opts.out ?? join('reports', sweepId), dbPath: config.tracking.db, runsRoot: resolveRunsRoot(config.train.runs_dir), reference: opts.reference });
        console.log(`wrote ${res.readmePath} (${res.charts.length} charts, ${res.grids.length} grids)`);
      } catch (err) {
        if (err instanceof UnknownSweepError) throw new UserError(`${err.message.replace(/\)$/, '')}; database ${store.path})`);
        throw err;
      } finally {
        store.close();
      }
    });
}
