// `workbench table <sweep-id> [--format md|csv|latex|json] [--reference <row>]`: the paper-layout
// tables of an evaluated sweep, runs grouped over seeds as mean [95 % CI] (n), rows Welch-tested
// against a reference row (default the first), runs whose eval_every curve still moves flagged.
//
//   npx workbench table sw-20261128-quick
//   npx workbench table sw-20261128-quick --format latex > tables.tex
//   npx workbench table sw-20261128-quick --reference BicycleGAN
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { composeConfig } from '@workbench/config';
import { formatTables, paperTables, parseTableFormat, UnknownSweepError } from '@workbench/metrics';
import { openStore } from '@workbench/tracking';
import { cliId, UserError } from '../user-error.js';
import { withConfigErrors } from './config.js';

export function registerTable(program: Command): void {
  program
    .command('table')
    .description('print the paper-layout tables of an evaluated sweep (mean, 95 % CI and n over seeds; * = differs from the reference row, Welch)')
    .argument('<sweep-id>')
    .argument('[overrides...]', 'tracking.db=<file>, eval.lpips_version=0.0|0.1 (which LPIPS column to show)')
    .option('--format <f>', 'md, csv, latex or json', 'md')
    .option('--all', 'every table that has data, not only those whose factor varies in the sweep')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--reference <row>', 'the row the others are tested against, as labelled (e.g. BicycleGAN); default: each table\'s first row')
    .action((sweepId: string, overrides: string[], opts: { format: string; all?: boolean; out?: string; reference?: string }) => {
      const { config } = withConfigErrors(() => composeConfig({ overrides }));
      let format;
      try {
        format = parseTableFormat(opts.format);
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      const store = openStore(config.tracking.db, { mustExist: true });
      try {
        const tables = paperTables(store, cliId(sweepId, 'sweep'), { lpipsVersion: config.eval.lpips_version, all: opts.all, reference: opts.reference });
        const text = formatTables(tables, format);
        if (opts.out) {
          writeFileSync(opts.out, `${text}\n`);
          console.log(`wrote ${tables.length} table(s) to ${opts.out}`);
        } else {
          console.log(text);
        }
      } catch (err) {
        if (err instanceof UnknownSweepError) throw new UserError(`${err.message.replace(/\)$/, '')}; database ${store.path})`);
        throw err;
      } finally {
        store.close();
      }
    });
}
