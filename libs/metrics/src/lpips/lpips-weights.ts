// Where LPIPS's weights come from, and the one-time conversion into the workbench's store.
//
// - AlexNet trunk: the `features.*` tensors of torchvision's ImageNet checkpoint
//   (`alexnet-owt-7be5be79.pth`, zip .pth, OIHW). Not redistributed here: the user imports it once
//   with `workbench lpips import --alexnet <file>`, which writes `alexnet-features.safetensors`
//   (HWIO) into the LPIPS folder (`eval.lpips_dir`, env WORKBENCH_LPIPS_DIR).
// - lin layers: vendored in `libs/metrics/weights/lpips-lin/v0.{0,1}/alex.pth` (the authors'
//   BSD-licensed files, byte for byte; see the LICENSE there). `lpips import --lin-v0.0/--lin-v0.1`
//   stores replacements as `lin-v0.X.safetensors`, which then take precedence.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPth, readSafetensors, writeSafetensors, type StateDict } from '@workbench/torch-io';
import { ALEXNET_CONVS, Lpips, LPIPS_VERSIONS, type LinWeights, type LpipsVersion } from './lpips.js';

export const ALEXNET_FILE = 'alexnet-features.safetensors';
export const linFileName = (version: LpipsVersion): string => `lin-v${version}.safetensors`;

/** The vendored lin weights of the LPIPS authors (legacy .pth). */
export function vendoredLinPath(version: LpipsVersion): string {
  return fileURLToPath(new URL(`../../weights/lpips-lin/v${version}/alex.pth`, import.meta.url));
}

/** LPIPS cannot run: the message says how to provide the weights (the CLI prints it as is). */
export class LpipsWeightsMissingError extends Error {
  override name = 'LpipsWeightsMissingError';
}

/** Bad LPIPS weight files or options (wrong keys or shapes, unknown version). */
export class LpipsWeightsError extends Error {
  override name = 'LpipsWeightsError';
}

/** `eval.lpips_dir` with `~` expanded; falls back to WORKBENCH_LPIPS_DIR, then the cache default. */
export function resolveLpipsDir(configured?: string): string {
  const raw = configured && configured.length > 0 ? configured : (process.env.WORKBENCH_LPIPS_DIR ?? '~/.cache/bicyclegan-workbench/lpips');
  return resolve(raw === '~' || raw.startsWith('~/') ? join(homedir(), raw.slice(1)) : raw);
}

export function parseLpipsVersion(v: string): LpipsVersion {
  if ((LPIPS_VERSIONS as readonly string[]).includes(v)) return v as LpipsVersion;
  throw new LpipsWeightsError(`unknown LPIPS version '${v}': use one of ${LPIPS_VERSIONS.join(', ')} (the paper reports 0.0)`);
}

/** The `features.*` conv tensors of an AlexNet state_dict (OIHW), converted to HWIO. */
export function alexTrunkFromTorch(sd: StateDict): StateDict {
  const out: StateDict = new Map();
  for (const c of ALEXNET_CONVS) {
    const w = sd.get(`${c.key}.weight`);
    const b = sd.get(`${c.key}.bias`);
    const want = [c.outChannels, c.inChannels, c.kernel, c.kernel];
    if (!w || !b) {
      throw new LpipsWeightsError(`not an AlexNet checkpoint: '${c.key}.weight'/'.bias' missing (use torchvision's alexnet-owt-7be5be79.pth)`);
    }
    if (w.shape.join() !== want.join() || b.shape.join() !== String(c.outChannels)) {
      throw new LpipsWeightsError(`not torchvision's AlexNet: ${c.key}.weight is [${w.shape}], expected [${want}]`);
    }
    // read outside tidy: tidy walks its result for tensors, key by key through a typed array
    const hwio = tf.tidy(() => tf.transpose(tf.tensor(w.data, w.shape), [2, 3, 1, 0]));
    out.set(`${c.key}.weight`, { shape: [c.kernel, c.kernel, c.inChannels, c.outChannels], data: new Float32Array(hwio.dataSync()) });
    hwio.dispose();
    out.set(`${c.key}.bias`, { shape: [c.outChannels], data: new Float32Array(b.data) });
  }
  return out;
}

/** The five lin vectors from an LPIPS lin state_dict (`lin{k}.model.1.weight`, [1,C,1,1]). */
export function linFromTorch(sd: StateDict): StateDict {
  const out: StateDict = new Map();
  ALEXNET_CONVS.forEach((c, k) => {
    const key = `lin${k}.model.1.weight`;
    const w = sd.get(key);
    if (!w) throw new LpipsWeightsError(`not an LPIPS AlexNet lin file: '${key}' missing (use lpips/weights/v0.X/alex.pth)`);
    if (w.shape.join() !== [1, c.outChannels, 1, 1].join()) {
      throw new LpipsWeightsError(`LPIPS lin file: ${key} is [${w.shape}], expected [1,${c.outChannels},1,1] (AlexNet)`);
    }
    out.set(key, { shape: [c.outChannels], data: new Float32Array(w.data) });
  });
  return out;
}

/** Builds an `Lpips` from tfjs-layout state_dicts (HWIO trunk, flattened lin vectors). */
export function lpipsFromStateDicts(version: LpipsVersion, trunk: StateDict, lin: StateDict): Lpips {
  const tensors = new Map<string, tf.Tensor>();
  for (const [k, t] of trunk) tensors.set(k, tf.tensor(t.data, t.shape));
  const linTensors = ALEXNET_CONVS.map((_, k) => {
    const t = lin.get(`lin${k}.model.1.weight`);
    if (!t) throw new LpipsWeightsError(`LPIPS lin weights: lin${k}.model.1.weight missing`);
    return tf.tensor1d(t.data);
  }) as LinWeights;
  return new Lpips(version, { tensors }, linTensors);
}

export interface LpipsImportOptions {
  /** torchvision's AlexNet checkpoint (`alexnet-owt-7be5be79.pth`) or any `features.*` state_dict. */
  alexnet?: string;
  /** Optional replacement lin files (legacy or zip .pth); by default the vendored ones are used. */
  linV00?: string;
  linV01?: string;
  /** Destination folder (`eval.lpips_dir`). */
  dir: string;
}

/**
 * Converts the given PyTorch files into safetensors in `dir`; returns the files written. Every
 * input is read and checked before anything is written, so a bad file leaves the folder as it was.
 */
export function importLpipsWeights(opts: LpipsImportOptions): string[] {
  const lins: Array<[LpipsVersion, string | undefined]> = [['0.0', opts.linV00], ['0.1', opts.linV01]];
  if (opts.alexnet === undefined && lins.every(([, f]) => f === undefined)) {
    throw new LpipsWeightsError('nothing to import: give --alexnet <alexnet-owt-7be5be79.pth> and/or --lin-v0.0/--lin-v0.1 <pth>');
  }
  const outputs: Array<[string, StateDict, Record<string, string>]> = [];
  for (const [version, file] of lins) {
    if (file === undefined) continue;
    outputs.push([join(opts.dir, linFileName(version)), linFromTorch(readPth(file)), { source: resolve(file), version, what: 'LPIPS AlexNet lin weights' }]);
  }
  if (opts.alexnet !== undefined) {
    const trunk = alexTrunkFromTorch(readPth(opts.alexnet));
    outputs.unshift([join(opts.dir, ALEXNET_FILE), trunk, { source: resolve(opts.alexnet), layout: 'HWIO', what: 'AlexNet features.* for LPIPS' }]);
  }
  for (const [path, dict, meta] of outputs) writeSafetensors(path, dict, meta);
  return outputs.map(([path]) => path);
}

/** Where each weight set of `version` would be read from (for messages and `lpips` status). */
export function lpipsWeightSources(version: LpipsVersion, dir: string): { alexnet: string | undefined; lin: string } {
  const alex = join(dir, ALEXNET_FILE);
  const lin = join(dir, linFileName(version));
  return { alexnet: existsSync(alex) ? alex : undefined, lin: existsSync(lin) ? lin : vendoredLinPath(version) };
}

/**
 * Loads LPIPS `version` from the LPIPS folder. Throws `LpipsWeightsMissingError` (a one-line
 * message with the fix) when the AlexNet trunk has not been imported: never a silent fallback.
 */
export function loadLpips(version: LpipsVersion, dir: string): Lpips {
  const src = lpipsWeightSources(version, dir);
  if (src.alexnet === undefined) {
    throw new LpipsWeightsMissingError(
      `no AlexNet weights for LPIPS in ${dir}: download torchvision's alexnet-owt-7be5be79.pth ` +
        `(https://download.pytorch.org/models/alexnet-owt-7be5be79.pth) and run ` +
        `'workbench lpips import --alexnet <file>' (or set eval.lpips_dir / WORKBENCH_LPIPS_DIR)`,
    );
  }
  const trunk = readSafetensors(src.alexnet).tensors;
  const lin = src.lin.endsWith('.pth') ? linFromTorch(readPth(src.lin)) : readSafetensors(src.lin).tensors;
  return lpipsFromStateDicts(version, trunk, lin);
}
