// `workbench train [overrides...]`: train one run (or a multirun with -m) and record it in the
// tracking store.
//
//   npx workbench train data=shapes data.crop_size=32 model.ngf=8 model.ndf=8 model.nef=8 train.iters=200
//   npx workbench train method=clr_gan seed=3 train.iters=2000
//   npx workbench train resume=20261128-082121-a07e31     # continue from the last checkpoint
//   npx workbench train -m method=bicyclegan,cvae_gan seed=0,1   # a sweep (see `workbench sweep`)
//   npx workbench train --cfg model.nz=2                  # print the resolved config, do not train
import type { Command } from 'commander';
import { BackendError, describeBackend, initBackend } from '@workbench/backend';
import { composeConfig, formatConfig, schemaHelp } from '@workbench/config';
import { TrackingInputError } from '@workbench/tracking';
import { RemoteTrackingError } from '@workbench/remote-tracking';
import { DataError } from '@workbench/data';
import { ModelOptionsError } from '@workbench/models';
import { TorchIoError } from '@workbench/torch-io';
import { CheckpointError, overheadPercent, TrainError, trainRun } from '@workbench/training';
import { createTrainingEvaluator, TrainingEvalError } from '@workbench/metrics';
import { intFlag } from '../int-flag.js';
import { toUserError, UserError, withUserErrors } from '../user-error.js';
import { withConfigErrors } from './config.js';
import { runMultirun } from './sweep.js';
import { openTrackingSink } from './tracking-sink.js';

/** Exit codes: 0 finished, 1 failed, 130 killed by SIGINT, 143 killed by SIGTERM (shell convention). */
function exitCodeFor(status: 'finished' | 'failed' | 'killed', reason?: string): number {
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
    .option('--cfg', 'print the resolved config and exit')
    .option('--schema', 'print every config key with its default and doc, and exit')
    .option('--progress <mode>', 'auto | bar | lines | none', 'auto')
    .option('--jobs <n>', 'multirun: parallel jobs', intFlag('--jobs', 1))
    .option('--dry-run', 'multirun: list the jobs without running them')
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
        'Every key: workbench train --schema. Resolved config: workbench train --cfg [overrides...].',
        'Exit codes: 0 finished, 1 failed (NaN/Inf loss or error), 130/143 killed by SIGINT/SIGTERM.',
      ].join('\n'),
    )
    .action(async (overrides: string[], opts: { multirun?: boolean; cfg?: boolean; schema?: boolean; progress: string; jobs?: number; dryRun?: boolean; verbose?: boolean }) => {
      if (opts.schema) {
        console.log(schemaHelp());
        return;
      }
      if (opts.multirun) {
        process.exitCode = await runMultirun(overrides, { jobs: opts.jobs, dryRun: opts.dryRun, verbose: opts.verbose });
        return;
      }
      if (opts.dryRun) throw new UserError('--dry-run lists the jobs of a sweep: add -m (workbench train -m <overrides...> --dry-run)');
      const { config } = withConfigErrors(() => composeConfig({ overrides }));
      if (opts.cfg) {
        console.log(formatConfig(config).trimEnd());
        return;
      }
      if (!['auto', 'bar', 'lines', 'none'].includes(opts.progress)) throw new UserError(`--progress ${opts.progress}: use auto, bar, lines or none`);

      const info = await withUserErrors([BackendError], () => initBackend({ force: config.backend }));
      const backendName = info.name;
      console.log(describeBackend(info).split('\n')[0]);
      const store = openTrackingSink(config); // tracking.uri set: a workbench server over HTTP, else SQLite
      try {
        const result = await trainRun(config, {
          store,
          overrides,
          command: ['workbench', 'train', ...overrides].join(' '),
          backend: backendName,
          progress: opts.progress as 'auto',
          createEvaluator: createTrainingEvaluator,
          onStart: ({ runId, runDir, resumed }) => {
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
