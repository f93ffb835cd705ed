// `workbench where [overrides...]`: which project, database, runs folder and config folders a
// command run here would use, and why (see libs/config project-root.ts and search-path.ts).
//
//   npx workbench where
//   cd runs && npx workbench where          # the same database as from the project folder
//   WORKBENCH_HOME=~/exp npx workbench where
import type { Command } from 'commander';
import { composeConfig } from '@workbench/config';
import { existsSync } from 'node:fs';
import { runtimeInfo } from '../project-paths.js';
import { withConfigErrors } from './config.js';

export function registerWhere(program: Command): void {
  program
    .command('where')
    .description('print the project folder, tracking database, runs folder and config search path used from here, and why')
    .argument('[overrides...]', 'overrides as for `workbench train` (e.g. tracking.db=other.db)')
    .option('--json', 'print JSON')
    .action((overrides: string[], opts: { json?: boolean }) => {
      const info = runtimeInfo(withConfigErrors(() => composeConfig({ overrides })));
      if (opts.json) {
        console.log(JSON.stringify(info, null, 2));
        return;
      }
      const db = info.database as string;
      console.log(`project   ${String(info.project_root)}  (${String(info.project_root_reason)})`);
      console.log(`database  ${db}${existsSync(db) ? '' : '  (does not exist yet: the first run creates it)'}`);
      console.log(`runs      ${String(info.runs_dir)}`);
      console.log(`configs   ${(info.config_search_path as string[]).join('\n          ')}`);
      console.log('change with: --db <file> or WORKBENCH_DB, WORKBENCH_HOME=<project folder>, --config-dir <folder>');
    });
}
