// `workbench train [overrides...]`: train one run (or a multirun with -m) and record it in the
// tracking store.
//
//   npx workbench train data=shapes data.crop_size=32 model.ngf=8 model.ndf=8 model.nef=8 train.iters=200
//   npx workbench train method=clr_gan seed=3 train.iters=2000
//   npx workbench train resume=20261128-082121-a07e31     # continue from the last checkpoint
//   npx workbench train -m method=bicyclegan,cvae_gan seed=0,1   # a sweep (see `workbench sweep`)
//   npx workbench train --cfg job model.nz=2              # print the config, do not train (--cfg hydra|all, --resolve)
import type { Command } from 'commander';
import { BackendError, describeBackend, initBackend } from '@workbench/backend';
import { composeConfig, planMultirun, schemaHelp } from '@workbench/config';
import { TrackingInputError, type ExitStatus } from '@workbench/tracking';
import { RemoteTrackingError } from '@workbench/remote-tracking';
import { DataError } from '@workbench/data';
import { ModelOptionsError } from '@workbench/models';
import { TorchIoError } from '@workbench/torch-io';
import { reportRunId } from '@workbench/sweep';
import { CheckpointError, overheadPercent, TrainError, trainRun } from '@workbench/training';
import { createTrainingEvaluator, TrainingEvalError } from '@workbench/metrics';
import { intFlag } from '../int-flag.js';
import { toUserError, UserError, withUserErrors } from '../user-error.js';
import { describePaths } from '../project-paths.js';
import { withConfigErrors } from './config.js';
import { cfgPart, printConfig } from './print-config.js';
import { runMultirun } from './sweep.js';
import { openTrackingSink } from './tracking-sink.js';

/** Exit codes: 0 finished, 1 failed, 130 killed by SIGINT, 143 killed by SIGTERM (shell convention). */
function exitCodeFor(status: ExitStatus, reason?: string): number {
  if (status === 'finished') return 0;
  if (status === 'killed') return reason?.startsWith('SIGINT') ? 130 : 143;
  return 1;
}

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
      const { config } = composed;
      if (cfg) {
        console.log(printConfig(composed, cfg, Boolean(opts.resolve)));
        return;
      }
      if (!['auto', 'bar', 'lines', 'none'].includes(opts.progress)) throw new UserError(`--progress ${opts.progress}: use auto, bar, lines or none`);

      const info = await withUserErrors([BackendError], () => initBackend({ force: config.backend }));
      const backendName = info.name;
      console.log(describeBackend(info).split('\n')[0]);
      if (!config.tracking.uri) console.log(describePaths(composed));
      const store = openTrackingSink(config); // tracking.uri set: a workbench server over HTTP, else SQLite
      try {
        const result = await trainRun(config, {
          store,
          overrides,
          command: ['workbench', 'train', ...overrides].join(' '),
          backend: backendName,
          progress: opts.progress as 'auto',
          createEvaluator: createTrainingEvaluator,
          // A second Ctrl-C / SIGTERM while the run checkpoints and records its end: stop now.
          onForcedStop: (sig) => process.exit(sig === 'SIGINT' ? 130 : 143),
          onStart: ({ runId, runDir, resumed }) => {
            reportRunId(runId); // a sweep job: tells the sweep runner which run this is
            console.log(`${resumed ? 'resuming' : 'run'} ${runId}`);
            console.log(`run dir: ${runDir}`);
          },
        }).catch((err: unknown) => {
          throw toUserError(err, [TrainError, TrainingEvalError, TrackingInputError, CheckpointError, TorchIoError, RemoteTrackingError, DataError, ModelOptionsError]);
        });
        console.log(`run ${result.runId} ${result.status}${result.reason ? `: ${result.reason}` : ''}`);
        console.log(`steps: ${result.step}/${result.totalSteps}, ${result.itPerSec.toFixed(2)} it/s, tracking: ${store.path}`);
        if (result.evaluations > 0) {
          console.log(`eval_every: ${result.evaluations} evaluations, ${result.evalSeconds.toFixed(1)} s = ${overheadPercent(result)} of the ${result.trainSeconds.toFixed(1)} s of training`);
        }
        process.exitCode = exitCodeFor(result.status, result.reason);
      } finally {
        await store.close();
      }
    });
}
