// `workbench data export|preview|info`: write the shapes dataset (or any dataset after
// preprocessing) as pix2pix aligned folders, look at what the model will see, count splits.
//
//   npx workbench data preview data=shapes --out /tmp/shapes.png
//   npx workbench data preview data=facades data.root=/path/to/facades --out /tmp/facades.png
//   npx workbench data export shapes --out /tmp/shapes-aligned data.crop_size=64
import type { Command } from 'commander';
import { composeConfig } from '@workbench/config';
import {
  DataError,
  EpochBatches,
  checkDatasetDirection,
  type DirectionCheck,
  SPLITS,
  classifyFills,
  createDataset,
  exportAligned,
  inspectDataset,
  writeImageGrid,
  type DataConfig,
  type GridRow,
  type PairedDataset,
  type Sample,
  type Split,
} from '@workbench/data';
import { basename, resolve } from 'node:path';
import { parseIntFlag } from '../int-flag.js';
import { UserError, withUserErrors } from '../user-error.js';
import { withConfigErrors } from './config.js';

/** Run `fn`, turning data mistakes into one-line CLI errors. */
function withDataErrors<T>(fn: () => Promise<T>): Promise<T> {
  return withUserErrors([DataError], fn);
}

/** The `data` section and the run seed for some overrides (`data=<preset>`, `data.key=value`). */
function resolveData(overrides: readonly string[]): { data: DataConfig; seed: number } {
  const { config } = withConfigErrors(() => composeConfig({ overrides }));
  return { data: config.data, seed: config.seed };
}

function parseSplit(s: string): Split {
  if (!(SPLITS as readonly string[]).includes(s)) throw new UserError(`--split ${s} is not valid: use one of ${SPLITS.join(', ')}`);
  return s as Split;
}

function describeDataset(ds: PairedDataset, cfg: DataConfig): string {
  const shape = `A ${ds.width}×${ds.height}×${ds.inputNc}, B ${ds.width}×${ds.height}×${ds.outputNc}`;
  if (cfg.dataset === 'shapes')
    return `shapes ${ds.split}: ${ds.size} pairs, ${shape}, ${cfg.num_modes} modes, ≤${cfg.max_shapes} shapes, ${cfg.background_modes} background mode(s), data.seed ${cfg.seed}`;
  const pre =
    cfg.preprocess === 'resize_and_crop' ? `resize ${cfg.load_size} → crop ${cfg.crop_size}` : `${cfg.preprocess} (load ${cfg.load_size}, crop ${cfg.crop_size})`;
  return `${cfg.root} ${ds.split}: ${ds.size} pairs, ${shape}, ${cfg.direction}, ${pre}, ${cfg.no_flip ? 'no flip' : 'random flip'}`;
}

/** The direction check as one line: a warning, or what the halves look like. */
function directionLine(d: DirectionCheck): string {
  if (d.warning) return `warning: ${d.warning}`;
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  return `direction ${d.direction}: input side ${pct(d.input.flat)} flat, target side ${pct(d.target.flat)} flat over ${d.pairs} pairs (no sign that the target is the label/edge side)`;
}

function caption(s: Sample): string {
  if (s.meta) return `modes ${s.meta.shapes.map((sh) => sh.mode).join(',')}`;
  return basename(s.source);
}

async function preview(
  overrides: string[],
  opts: { out: string; split: string; count: string; perRow: string; scale?: string; augment: boolean },
): Promise<void> {
  const { data, seed } = resolveData(overrides);
  const split = parseSplit(opts.split);
  const count = parseIntFlag('--count', opts.count, 1);
  const perRow = parseIntFlag('--per-row', opts.perRow, 1);
  await withDataErrors(async () => {
    const ds = await createDataset(data, split);
    const direction = await checkDatasetDirection(ds, data.direction);
    if (direction?.warning) console.warn(`warning: ${direction.warning}`);
    const n = Math.min(count, ds.size);
    // The first n samples of epoch 0 as training sees them (shuffled, cropped, flipped).
    const epoch = new EpochBatches(ds, { batchSize: n, seed, augment: opts.augment, dropLast: false, prefetch: 0 });
    const samples = await epoch.loadSamples({ epoch: 0, batch: 0 });
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of samples)
      for (const arr of [s.A, s.B])
        for (const v of arr) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
    if (data.dataset === 'shapes') {
      // The classifier must read back the generator's modes exactly: a cheap self-check.
      const bad = samples.filter((s) => classifyFills(s.B, s.meta!).shapes.some((v) => v.mode !== v.trueMode));
      if (bad.length > 0) throw new Error(`mode classifier disagrees with the generator on ${bad.map((s) => s.source).join(', ')}`);
    }
    const rows: GridRow[] = [];
    for (let r = 0; r < Math.ceil(n / perRow); r++) {
      const chunk = samples.slice(r * perRow, (r + 1) * perRow);
      rows.push({
        images: chunk.flatMap((s) => [
          { data: s.A, width: s.width, height: s.height, channels: ds.inputNc },
          { data: s.B, width: s.width, height: s.height, channels: ds.outputNc },
        ]),
        // Modes describe B; a file name describes the pair.
        captions: chunk.flatMap((s) => (s.meta ? ['', caption(s)] : [caption(s), ''])),
      });
    }
    const side = Math.max(ds.width, ds.height);
    const scale = opts.scale === undefined ? Math.max(1, Math.floor(128 / side)) : parseIntFlag('--scale', opts.scale, 1);
    const columnLabels = Array.from({ length: Math.min(perRow, n) }, () => ['A (input)', 'B (target)']).flat();
    const title = describeDataset(ds, data) + (opts.augment || data.dataset === 'shapes' ? '' : ' (shown: centred crop, no flip)');
    const out = resolve(opts.out);
    await writeImageGrid(out, rows, { scale, columnLabels, title, padding: 4 });
    console.log(title);
    console.log(`value range [${lo.toFixed(3)}, ${hi.toFixed(3)}]; wrote ${n} pairs to ${out}`);
    ds.dispose();
  });
}

async function exportCommand(dataset: string, overrides: string[], opts: { out: string; splits: string }): Promise<void> {
  const { data } = resolveData([`data=${dataset}`, ...overrides]);
  const splits = opts.splits.split(',').map((s) => parseSplit(s.trim()));
  await withDataErrors(async () => {
    let side = 0;
    for (const split of splits) {
      const ds = await createDataset(data, split);
      side = ds.width;
      const t0 = Date.now();
      const { dir, files } = await exportAligned(ds, resolve(opts.out));
      console.log(`${describeDataset(ds, data)}\n  wrote ${files} A|B images to ${dir} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      ds.dispose();
    }
    console.log(`load it with: data.dataset=aligned data.root=${resolve(opts.out)} data.load_size=${side} data.crop_size=${side}`);
  });
}

async function info(overrides: string[], opts: { json?: boolean }): Promise<void> {
  const { data } = resolveData(overrides);
  await withDataErrors(async () => {
    const summaries = new Map<Split, string>();
    const report = await inspectDataset(data, (ds) => summaries.set(ds.split, describeDataset(ds, data)));
    if (opts.json) {
      console.log(JSON.stringify({ ...report, ok: report.problems.length === 0 }, null, 2));
    } else {
      for (const r of report.splits) {
        for (const w of r.warnings) console.warn(`warning: ${w}`);
        console.log(r.status === 'ok' ? summaries.get(r.split) : `${r.split}: ${r.error}`);
      }
      if (report.evalSplit === 'val') console.log('note: no test/; workbench eval uses val/ (as the official scripts do for edges2shoes)');
      if (report.directionCheck) console.log(directionLine(report.directionCheck));
      for (const p of report.problems) console.error(`problem: ${p}`);
    }
    // 0 = usable; 1 = a split is missing, empty or unreadable (listed); 2 = bad options or data.root.
    if (report.problems.length > 0) process.exitCode = 1;
  });
}

export function registerData(program: Command): void {
  const data = program.command('data').description('datasets: export the shapes set as aligned folders, preview pairs, count splits');
  data
    .command('preview')
    .description('write a PNG grid of A/B pairs after preprocessing: what the model will see')
    .argument('[overrides...]', 'config overrides, e.g. data=facades data.root=/data/facades data.direction=AtoB')
    .requiredOption('--out <file.png>', 'where to write the grid')
    .option('--split <split>', 'train, val or test', 'train')
    .option('--count <n>', 'number of pairs', '16')
    .option('--per-row <n>', 'pairs per grid row', '4')
    .option('--scale <n>', 'integer upscaling of each image (default: to about 128 px)')
    .option('--no-augment', 'centred crop, no flip (as evaluation sees it)')
    .action(preview);
  data
    .command('export')
    .description('write a dataset (the shapes set, or any preset after preprocessing) in the pix2pix aligned format')
    .argument('<dataset>', 'a data preset: shapes, facades, ...')
    .argument('[overrides...]', 'config overrides, e.g. data.crop_size=64 data.train_size=500')
    .requiredOption('--out <dir>', 'output folder (gets <split>/NNNN.png and, for shapes, <split>-meta.jsonl)')
    .option('--splits <list>', 'comma-separated splits', 'train,test')
    .action(exportCommand);
  data
    .command('info')
    .description('print size and sample shape of every split, check data.direction; exit 1 when a split is missing, empty or unreadable')
    .argument('[overrides...]', 'config overrides, e.g. data=facades data.root=/data/facades')
    .option('--json', 'print the report as JSON (splits, problems, direction check)')
    .action(info);
}
