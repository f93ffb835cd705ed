// `workbench lpips import|status|distance`: set up LPIPS's weights once, check them, or compare
// two images.
//
//   npx workbench lpips import --alexnet ~/Downloads/alexnet-owt-7be5be79.pth
//   npx workbench lpips status
//   npx workbench lpips distance a.png b.png eval.lpips_version=0.1
import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { BackendError, initBackend } from '@workbench/backend';
import { composeConfig, type ResolvedConfig } from '@workbench/config';
import { DataError, readImage } from '@workbench/data';
import {
  importLpipsWeights,
  loadLpips,
  LpipsWeightsError,
  LpipsWeightsMissingError,
  lpipsWeightSources,
  LPIPS_VERSIONS,
  resolveLpipsDir,
} from '@workbench/metrics';
import { TorchIoError } from '@workbench/torch-io';
import { UserError, withUserErrors } from '../user-error.js';
import { withConfigErrors } from './config.js';

function lpipsSettings(overrides: readonly string[]): { dir: string; version: ResolvedConfig['eval']['lpips_version']; backend: ResolvedConfig['backend'] } {
  const { config } = withConfigErrors(() => composeConfig({ overrides }));
  return { dir: resolveLpipsDir(config.eval.lpips_dir), version: config.eval.lpips_version, backend: config.backend };
}

/** Weight-file problems are user mistakes: one line, no stack. */
const WEIGHT_ERRORS = [LpipsWeightsError, LpipsWeightsMissingError, TorchIoError];

export function registerLpips(program: Command): void {
  const lpips = program.command('lpips').description('LPIPS (AlexNet-lin) weights: import them once, check them, compare two images');

  lpips
    .command('import')
    .description("convert torchvision's AlexNet checkpoint (and/or replacement lin weights) into the LPIPS folder")
    .option('--alexnet <pth>', "torchvision's alexnet-owt-7be5be79.pth (https://download.pytorch.org/models/alexnet-owt-7be5be79.pth)")
    .option('--lin-v0.0 <pth>', 'replacement v0.0 lin weights (default: the vendored lpips/weights/v0.0/alex.pth)')
    .option('--lin-v0.1 <pth>', 'replacement v0.1 lin weights (default: the vendored lpips/weights/v0.1/alex.pth)')
    .option('--dir <folder>', 'destination (default eval.lpips_dir: ~/.cache/bicyclegan-workbench/lpips, env WORKBENCH_LPIPS_DIR)')
    .argument('[overrides...]', 'config overrides, e.g. eval.lpips_dir=/data/lpips')
    .action(async (overrides: string[], opts: { alexnet?: string; 'lin-v0.0'?: string; 'lin-v0.1'?: string; dir?: string }) => {
      const settings = lpipsSettings(overrides);
      const dir = opts.dir ? resolveLpipsDir(opts.dir) : settings.dir;
      // commander camel-cases '--lin-v0.0' to 'linV0.0'; accept both spellings.
      const o = opts as Record<string, string | undefined>;
      await withUserErrors([BackendError], () => initBackend({ force: settings.backend })); // only a transpose per tensor
      const written = withUserErrors(WEIGHT_ERRORS, () =>
        importLpipsWeights({ alexnet: opts.alexnet, linV00: o['linV0.0'] ?? o['lin-v0.0'], linV01: o['linV0.1'] ?? o['lin-v0.1'], dir }),
      );
      for (const w of written) console.log(`wrote ${w}`);
      if (lpipsWeightSources('0.0', dir).alexnet) console.log(`LPIPS ready in ${dir} (versions ${LPIPS_VERSIONS.join(', ')}); workbench eval will use it.`);
      else console.log(`LPIPS still needs its AlexNet trunk: workbench lpips import --alexnet <alexnet-owt-7be5be79.pth>`);
    });

  lpips
    .command('status')
    .description('say where each LPIPS weight set would be read from, or how to provide the missing ones')
    .argument('[overrides...]', 'config overrides, e.g. eval.lpips_dir=/data/lpips')
    .action((overrides: string[]) => {
      const { dir } = lpipsSettings(overrides);
      console.log(`LPIPS folder: ${dir}`);
      for (const v of LPIPS_VERSIONS) {
        const src = lpipsWeightSources(v, dir);
        console.log(`  v${v}: AlexNet ${src.alexnet ?? 'MISSING'}; lin ${src.lin}`);
      }
      if (!lpipsWeightSources('0.0', dir).alexnet) {
        console.log("LPIPS is skipped until you run 'workbench lpips import --alexnet <alexnet-owt-7be5be79.pth>'.");
      }
    });

  lpips
    .command('distance')
    .description('LPIPS between two images (resized to the first one\'s size is NOT done: sizes must match)')
    .argument('<image0>')
    .argument('<image1>')
    .argument('[overrides...]', 'eval.lpips_version=0.0|0.1, backend=...')
    .action(async (image0: string, image1: string, overrides: string[]) => {
      const s = lpipsSettings(overrides);
      await withUserErrors([BackendError], () => initBackend({ force: s.backend }));
      const net = withUserErrors(WEIGHT_ERRORS, () => loadLpips(s.version, s.dir));
      const [a, b] = await withUserErrors([DataError], () => Promise.all([readImage(image0, 3), readImage(image1, 3)]));
      if (a.width !== b.width || a.height !== b.height) {
        throw new UserError(`images differ in size (${a.width}×${a.height} vs ${b.width}×${b.height}): resize one first`);
      }
      const d = tf.tidy(() =>
        net.distance(tf.tensor4d(a.data, [1, a.height, a.width, 3]), tf.tensor4d(b.data, [1, b.height, b.width, 3])).dataSync()[0],
      );
      net.dispose();
      console.log(`LPIPS v${s.version} (AlexNet-lin): ${d?.toFixed(6) ?? 'no value'}`);
    });
}
