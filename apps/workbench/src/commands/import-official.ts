// `workbench import-official <dir-or-.pth>... [overrides] [--out <dir>]`: official BicycleGAN
// checkpoints (`latest_net_{G,E,D,D2}.pth`, PyTorch zip or legacy format) -> a workbench
// checkpoint folder (G/E/D/D2 .safetensors in tfjs layouts + config.json). The model options the
// files determine (nz, where_add, encoder, widths, crop size, ...) are read from them; options
// given on the command line must agree. Every tensor's name and shape is checked on import and
// every written tensor is read back and compared.
//
//   npx workbench import-official ~/BicycleGAN/checkpoints/facades_bicycle_gan --out imported/facades
import type { Command } from 'commander';
import { initBackend } from '@workbench/backend';
import { composeConfig } from '@workbench/config';
import {
  buildNetworks,
  CheckpointError,
  inferModelOptions,
  importOfficial,
  ModelOptionsError,
  modelOptionsFromConfig,
  OfficialImportError,
  saveNetwork,
  type ModelOptions,
  type NetName,
  type Network,
  type OfficialDicts,
} from '@workbench/models';
import { readPth, readSafetensors, TorchIoError, type StateDict } from '@workbench/torch-io';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError, withUserErrors } from '../user-error.js';
import { withConfigErrors } from './config.js';

const NET_NAMES: readonly NetName[] = ['G', 'E', 'D', 'D2'];

/** ModelOptions field <- config key, for the options a checkpoint can determine. */
const CONFIG_KEY: Record<keyof ModelOptions, string> = {
  encoder: 'model.encoder', where_add: 'model.where_add', nz: 'model.nz', ngf: 'model.ngf', ndf: 'model.ndf',
  nef: 'model.nef', norm: 'model.norm', upsample: 'model.upsample', use_dropout: 'model.use_dropout',
  num_Ds: 'model.num_Ds', conditional_D: 'model.conditional_D', init_gain: 'model.init_gain',
  cropSize: 'data.crop_size', inputNc: 'data.input_nc', outputNc: 'data.output_nc',
};

/** Which network a .pth file holds, from its name (`latest_net_G.pth`, `200_net_E.pth`, `D2.pth`). */
function kindFromName(file: string): NetName | undefined {
  const m = /(?:^|_net_)(G|E|D|D2)\.pth$/.exec(basename(file));
  return m ? (m[1] as NetName) : undefined;
}

/** Files to import: folders are searched for `<epoch>_net_<X>.pth`; files are named by their suffix. */
export function collectFiles(inputs: readonly string[], epoch: string): Map<NetName, string> {
  const files = new Map<NetName, string>();
  const add = (kind: NetName, path: string) => {
    const prev = files.get(kind);
    if (prev !== undefined && resolve(prev) !== resolve(path)) throw new UserError(`two ${kind} checkpoints given: ${prev} and ${path}; pass one`);
    files.set(kind, path);
  };
  for (const input of inputs) {
    if (!existsSync(input)) throw new UserError(`${input}: no such file or folder`);
    if (statSync(input).isDirectory()) {
      let found = 0;
      for (const kind of NET_NAMES) {
        const p = join(input, `${epoch}_net_${kind}.pth`);
        if (existsSync(p)) {
          add(kind, p);
          found++;
        }
      }
      if (found === 0) {
        const pths = readdirSync(input).filter((f) => f.endsWith('.pth'));
        throw new UserError(
          `${input}: no ${epoch}_net_{G,E,D,D2}.pth here` +
            (pths.length > 0 ? ` (found ${pths.slice(0, 4).join(', ')}${pths.length > 4 ? ', ...' : ''}; pick an epoch with --epoch)` : ''),
        );
      }
    } else {
      const kind = kindFromName(input);
      if (kind === undefined) throw new UserError(`${input}: cannot tell which network this is; name it <something>_net_G.pth (or _E, _D, _D2)`);
      add(kind, input);
    }
  }
  if (!files.has('G')) throw new UserError('no G checkpoint among the inputs (latest_net_G.pth is required)');
  return files;
}

/** Override args contain '=' or start with '+'/'~'; everything else is a path. */
function splitArgs(args: readonly string[]): { paths: string[]; overrides: string[] } {
  const paths: string[] = [];
  const overrides: string[] = [];
  for (const a of args) {
    if (!existsSync(a) && (a.includes('=') || a.startsWith('+') || a.startsWith('~'))) overrides.push(a);
    else paths.push(a);
  }
  return { paths, overrides };
}

function sums(data: Float32Array): [number, number] {
  let s = 0;
  let s2 = 0;
  for (const v of data) {
    s += v;
    s2 += v * v;
  }
  return [s, s2];
}

export interface ImportResult {
  out: string;
  model: ModelOptions;
  imported: Array<{ net: NetName; source: string; tensors: number; params: number; file: string }>;
  inferred: Partial<ModelOptions>;
}

export function importOfficialCheckpoint(args: readonly string[], opts: { out?: string; epoch?: string }): ImportResult {
  const { paths, overrides } = splitArgs(args);
  if (paths.length === 0) throw new UserError('give a folder with latest_net_*.pth files or the .pth files themselves');
  const files = collectFiles(paths, opts.epoch ?? 'latest');

  const dicts: OfficialDicts = {};
  for (const [kind, path] of files) {
    dicts[kind] = withUserErrors([TorchIoError], () => readPth(path));
  }

  const { config, sources } = withConfigErrors(() => composeConfig({ overrides }));
  const origin = sources.keys;
  const model = modelOptionsFromConfig(config);
  const inferred = inferModelOptions(dicts);
  for (const [field, value] of Object.entries(inferred) as Array<[keyof ModelOptions, never]>) {
    const key = CONFIG_KEY[field];
    const given = origin[key]?.startsWith('override') === true;
    if (given && model[field] !== value) {
      throw new UserError(`${key}=${String(model[field])} was given, but the checkpoint has ${key}=${String(value)}; drop the override or import the matching files`);
    }
    (model as unknown as Record<string, unknown>)[field] = value;
  }

  const [firstPath = ''] = paths; // non-empty: checked above
  const out = resolve(opts.out ?? join('imported', basename(resolve(firstPath)).replace(/\.pth$/, '')));
  const nets = withUserErrors([ModelOptionsError], () => buildNetworks(model, { seed: 0, withD2: files.has('D2'), withE: files.has('E') }));
  const imported: ImportResult['imported'] = [];
  try {
    mkdirSync(out, { recursive: true });
    for (const [kind, path] of files) {
      const net = nets[kind] as Network;
      const sd = dicts[kind] as StateDict;
      withUserErrors([OfficialImportError], () => importOfficial(net, sd, path));
      const file = join(out, `${kind}.safetensors`);
      saveNetwork(net, file, { source: resolve(path), model: JSON.stringify(model) });
      // Read back what was written and compare with the source, tensor by tensor (layout-free sums).
      const { tensors } = readSafetensors(file);
      for (const [key, t] of sd) {
        if (key.endsWith('.num_batches_tracked')) continue;
        const back = tensors.get(key);
        const [a, a2] = sums(t.data);
        const [b, b2] = back ? sums(back.data) : [NaN, NaN];
        const tol = 1e-9 * Math.max(1, Math.abs(a2));
        if (!back || Math.abs(a - b) > tol || Math.abs(a2 - b2) > tol) throw new CheckpointError(`${file}: '${key}' does not match ${path} after writing`);
      }
      imported.push({ net: kind, source: resolve(path), tensors: tensors.size, params: net.numParams(), file });
    }
    const resolved = structuredClone(config) as unknown as { model: Record<string, unknown>; data: Record<string, unknown> };
    for (const [field, key] of Object.entries(CONFIG_KEY)) {
      const [section, name] = key.split('.');
      if (name === undefined) throw new Error(`CONFIG_KEY ${field}: '${key}' is not <section>.<key>`);
      (section === 'model' ? resolved.model : resolved.data)[name] = model[field as keyof ModelOptions];
    }
    writeFileSync(
      join(out, 'config.json'),
      `${JSON.stringify({ format: 'bicyclegan-workbench/import-v1', imported: Object.fromEntries(imported.map((i) => [i.net, i.source])), model, inferred, config: resolved }, null, 2)}\n`,
    );
  } finally {
    for (const n of Object.values(nets)) n?.dispose();
  }
  return { out, model, imported, inferred };
}

export function registerImportOfficial(program: Command): void {
  program
    .command('import-official')
    .description('convert official BicycleGAN .pth checkpoints (latest_net_G/E/D/D2.pth) into a workbench checkpoint folder')
    .argument('<inputs...>', 'a checkpoint folder and/or .pth files, then optional overrides (model.use_dropout=false ...)')
    .option('--out <dir>', 'output folder (default: imported/<input name>)')
    .option('--epoch <name>', 'which files to take from a folder: <epoch>_net_G.pth', 'latest')
    .option('--json', 'print the result as JSON')
    .action(async (inputs: string[], opts: { out?: string; epoch?: string; json?: boolean }) => {
      // Only copies and checks tensors: the cpu backend needs no start-up and no wasm heap.
      await initBackend({ force: 'cpu' });
      const r = importOfficialCheckpoint(inputs, opts);
      if (opts.json) {
        console.log(JSON.stringify(r, null, 2));
        return;
      }
      const m = r.model;
      console.log(`model (read from the files): encoder=${m.encoder} where_add=${m.where_add} nz=${m.nz} ngf=${m.ngf} nef=${m.nef} ndf=${m.ndf} norm=${m.norm} upsample=${m.upsample} num_Ds=${m.num_Ds} conditional_D=${m.conditional_D} crop_size=${m.cropSize} input_nc=${m.inputNc} output_nc=${m.outputNc}`);
      for (const i of r.imported) console.log(`${i.net.padEnd(2)}  ${i.params.toLocaleString('en-US').padStart(11)} params, ${String(i.tensors).padStart(3)} tensors checked  ${i.source} -> ${i.file}`);
      const missing = NET_NAMES.filter((n) => !r.imported.some((i) => i.net === n));
      if (missing.length > 0) console.log(`not in the input (the official pretrained models ship G and E only): ${missing.join(', ')}`);
      console.log(`wrote ${r.out}/config.json`);
    });
}
