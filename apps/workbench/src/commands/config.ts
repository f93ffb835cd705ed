// `workbench config [overrides...]`: print the composed config (what `workbench train` would run),
// the documented schema, the experiments and config groups, or where each value came from.
import type { Command } from 'commander';
import { ConfigError, composeConfig, configSearchPath, formatConfig, schemaHelp } from '@workbench/config';
import { withUserErrors } from '../user-error.js';

/** Run `fn`, turning config mistakes into one-line CLI errors. */
export function withConfigErrors<T>(fn: () => T): T {
  return withUserErrors([ConfigError], fn);
}

export function registerConfig(program: Command): void {
  program
    .command('config')
    .description('print the resolved config for some overrides, the schema (--schema) or the experiments (--list)')
    .argument('[overrides...]', 'overrides as for `workbench train`, e.g. +experiment=paper/latent_size model.nz=2')
    .option('--schema', 'print every key with its default, allowed values, env var and doc')
    .option('--list', 'list the experiment files and config groups on the config search path (your folder, then the built-in experiments/)')
    .option('--sources', 'also print which file or override set each non-default key')
    .option('--json', 'print JSON instead of YAML')
    .action((overrides: string[], opts: { schema?: boolean; list?: boolean; sources?: boolean; json?: boolean }) => {
      if (opts.schema) {
        console.log(schemaHelp());
        return;
      }
      if (opts.list) {
        const searchPath = withConfigErrors(() => configSearchPath({ cwd: process.cwd(), env: process.env }));
        console.log(`config search path (first wins):\n${searchPath.describe().map((l) => `  ${l}`).join('\n')}`);
        const experiments = searchPath.experiments();
        console.log('experiments (+experiment=<name>):');
        for (const e of experiments) console.log(`  ${e}`);
        console.log('config groups (<group>=<option>):');
        const experimentFolders = new Set(experiments.filter((e) => e.includes('/')).map((e) => e.split('/')[0]));
        for (const g of searchPath.groups().filter((g) => !experimentFolders.has(g))) console.log(`  ${g}: ${searchPath.options(g).join(', ')}`);
        return;
      }
      const result = withConfigErrors(() => composeConfig({ overrides }));
      if (opts.json) {
        console.log(JSON.stringify(opts.sources ? result : result.config, null, 2));
        return;
      }
      console.log(formatConfig(result.config).trimEnd());
      if (opts.sources) {
        console.log(`\n# experiment: ${result.experiment ?? '(none)'}`);
        console.log(`# groups: ${Object.entries(result.sources.groups).map(([g, o]) => `${g}=${o}`).join(' ')}`);
        for (const [key, from] of Object.entries(result.sources.keys)) console.log(`# ${key}: ${from}`);
      }
    });
}
