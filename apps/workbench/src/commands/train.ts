// `workbench train [overrides...]`: train one run (or a multirun with -m) and record it in the
// tracking store.
//
//   npx workbench train data=shapes data.crop_size=32 model.ngf=8 model.ndf=8 model.nef=8 train.iters=200
//   npx workbench train method=clr_gan seed=3 train.iters=2000
//   npx workbench train resume=20261128-082121-a07e31     # continue from the last checkpoint
//   npx workbench train -m method=bicyclegan,cvae_gan seed=0,1   # a sweep (see `workbench sweep`)
//   npx workbench train --cfg job model.nz=2              # print the config, do not train (--cfg hydra|all, --resolve)
//
// The training itself is in ./train-run.ts, imported only when a run starts: --cfg, --schema and
// the multirun parent (whose jobs are child processes) never load tfjs.
import type { Command } from 'commander';
import { composeConfig, planMultirun, schemaHelp } from '@workbench/config';
import { intFlag } from '../int-flag.js';
import { UserError } from '../user-error.js';
import { withConfigErrors } from './config.js';
import { cfgPart, printConfig } from './print-config.js';
import { runMultirun } from './sweep.js';
// Type-only: erased at run time, so it loads nothing.
import type { ProgressMode } from '@workbench/training';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a BicycleGAN-family model (method=bicyclegan|cvae_gan|cvae_gan_pp|clr_gan|cae_gan|pix2pix_noise); resume=<run-id> continues a run')
    .argument('[overrides...]', 'config overrides key=value, group=option, +experiment=<name> (see `workbench config --schema`)')
    .option('-m, --multirun', 'run every combination of comma-separated values as a sweep')
    .option('--cfg [part]', 'print the config and exit: job (default), hydra (project, database, runs folder, search path, choices) or all')
    .option('--resolve', 'with --cfg: resolve ${...} interpolations (default: print them as written, as Hydra does)')
    .option('--schema', 'print every config key with its default and doc, and exit')
    .option('--progress <mode>', 'auto | bar | lines | none', 'auto')
    .option('--jobs <n>', 'multirun: parallel jobs', intFlag('--jobs', 1))
    .option('--dry-run', 'multirun: list the jobs without running them')
    .option('--extend <sweep-id>', 'multirun: add the jobs to this sweep, reusing its finished jobs (see `workbench sweep run --help`)')
    .option('-v, --verbose', "multirun: echo every job's output")
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  workbench train data=shapes data.crop_size=32 model.ngf=8 model.ndf=8 model.nef=8 train.iters=200',
        '  workbench train method=clr_gan seed=3 train.iters=2000',
        '  workbench train resume=<run-id>            continue a crashed or killed run from its last checkpoint',
        '  workbench train -m method=bicyclegan,cvae_gan seed=0,1',
        '  workbench train -m +experiment=paper/encoder_injection --dry-run   list the 12 jobs of a paper grid',
        '',
        'Every key: workbench train --schema. Config: workbench train --cfg job|hydra|all [--resolve] [overrides...].',
        'Exit codes: 0 finished, 1 failed (NaN/Inf loss or error), 130/143 killed by SIGINT/SIGTERM.',
      ].join('\n'),
    )
    .action(async (overrides: string[], opts: { multirun?: boolean; cfg?: string | boolean; resolve?: boolean; schema?: boolean; progress: string; jobs?: number; dryRun?: boolean; verbose?: boolean; extend?: string }) => {
      const cfg = cfgPart(opts.cfg, overrides);
      if (opts.resolve && !cfg) throw new UserError('--resolve changes what --cfg prints: add --cfg job|hydra|all');
      if (opts.schema) {
        console.log(schemaHelp());
        return;
      }
      if (opts.multirun && !cfg) {
        process.exitCode = await runMultirun(overrides, { jobs: opts.jobs, dryRun: opts.dryRun, verbose: opts.verbose, extend: opts.extend });
        return;
      }
      if (opts.extend) throw new UserError('--extend adds jobs to a sweep: add -m (workbench train -m <overrides...> --extend <sweep-id>)');
      if (opts.dryRun) throw new UserError('--dry-run lists the jobs of a sweep: add -m (workbench train -m <overrides...> --dry-run)');
      // With -m, --cfg prints the config of the first job (as Hydra does).
      const composed = withConfigErrors(() => composeConfig({ overrides: opts.multirun ? (planMultirun(overrides).jobs[0]?.overrides ?? overrides) : overrides }));
      if (cfg) {
        console.log(printConfig(composed, cfg, Boolean(opts.resolve)));
        return;
      }
      if (!['auto', 'bar', 'lines', 'none'].includes(opts.progress)) throw new UserError(`--progress ${opts.progress}: use auto, bar, lines or none`);

      const { trainSingleRun } = await import('./train-run.js');
      process.exitCode = await trainSingleRun(composed, overrides, opts.progress as ProgressMode);
    });
}
