// Official PyTorch state_dicts (from `latest_net_{G,E,D,D2}.pth`) onto our networks: every key
// and shape is checked, weights are transposed to tfjs layouts. Mismatches are explained in
// terms of the options that cause them (nz, where_add, encoder, crop size, wrong file).
import * as tf from '@tensorflow/tfjs';
import type { StateDict } from '@workbench/torch-io';
import { torchShape, torchToTf, PYTORCH_LAYOUT_NAME } from './layout.js';
import type { Network } from './network.js';

export class OfficialImportError extends Error {
  override name = 'OfficialImportError';
}

/** What a state_dict looks like, guessed from its keys and shapes (for error messages and import). */
export interface StateDictGuess {
  kind: 'G' | 'E' | 'D' | 'unknown';
  /** Human-readable summary, e.g. "a G (U-Net, where_add=all, nz=8, ngf=64, 8 levels)". */
  summary: string;
  whereAdd?: 'input' | 'all';
  encoder?: 'resnet' | 'cnn';
  nz?: number;
  /** ngf / nef / ndf. */
  width?: number;
  /** G levels, E depth, D layers per scale. */
  depth?: number;
  numDs?: number;
  /** Input channels of the first conv (G: image + z for add_input; D: output_nc or input_nc + output_nc). */
  inChannels?: number;
  norm?: 'batch' | 'instance-or-none';
}

function shapeOf(sd: StateDict, key: string): number[] | undefined {
  return sd.get(key)?.shape;
}

/** Guesses network kind and options from an official state_dict. */
export function guessStateDict(sd: StateDict): StateDictGuess {
  const keys = [...sd.keys()];
  const norm = keys.some((k) => k.endsWith('.running_mean')) ? 'batch' : 'instance-or-none';
  if (sd.has('model.down.0.weight')) {
    // add_all: each down conv has +nz inputs; level 2's conv takes ngf + nz.
    const [ngf, cin] = shapeOf(sd, 'model.down.0.weight') ?? [];
    if (ngf === undefined || cin === undefined) throw new Error('model.down.0.weight is not a conv weight [out, in, kh, kw]: this is not an official G');
    const secondIn = shapeOf(sd, 'model.submodule.down.1.weight')?.[1];
    const nz = secondIn === undefined ? undefined : secondIn - ngf;
    const depth = 1 + keys.filter((k) => /^model\.(submodule\.)*down\.1\.weight$/.test(k)).length;
    const inputNc = nz === undefined ? undefined : cin - nz;
    return {
      kind: 'G', whereAdd: 'all', nz, width: ngf, depth, inChannels: cin, norm,
      summary: `a G (U-Net, where_add=all, nz=${nz}, ngf=${ngf}, ${depth} levels = crop_size ${2 ** depth}, input_nc=${inputNc})`,
    };
  }
  if (sd.has('model.model.0.weight')) {
    const [ngf, cin] = shapeOf(sd, 'model.model.0.weight')!;
    const depth = keys.filter((k) => /^model\.(model\.\d+\.)*model\.1\.weight$/.test(k)).length + 1;
    return {
      kind: 'G', whereAdd: 'input', width: ngf, depth, inChannels: cin, norm,
      summary: `a G (U-Net, where_add=input, ${cin} input channels = input_nc + nz, ngf=${ngf}, ${depth} levels = crop_size ${2 ** depth})`,
    };
  }
  if (sd.has('fc.0.weight')) {
    const [nz, width] = shapeOf(sd, 'fc.0.weight')!;
    const resnet = keys.some((k) => /^conv\.\d+\.shortcut\./.test(k));
    const nef = shapeOf(sd, 'conv.0.weight')?.[0];
    const cin = shapeOf(sd, 'conv.0.weight')?.[1];
    const depth = resnet
      ? 1 + new Set(keys.filter((k) => /^conv\.\d+\.shortcut\.1\.weight$/.test(k))).size
      : keys.filter((k) => /^conv\.\d+\.weight$/.test(k) && shapeOf(sd, k)!.length === 4).length;
    return {
      kind: 'E', encoder: resnet ? 'resnet' : 'cnn', nz, width: nef, depth, inChannels: cin, norm,
      summary: `an E (encoder=${resnet ? 'resnet' : 'cnn'}, nz=${nz}, nef=${nef}, depth ${depth} = crop_size ${2 ** (depth + 3)}, feature width ${width})`,
    };
  }
  const scale0 = sd.has('model_0.0.weight') ? 'model_0.' : sd.has('model.0.weight') ? 'model.' : undefined;
  if (scale0 !== undefined) {
    const [ndf, cin] = shapeOf(sd, `${scale0}0.weight`)!;
    const numDs = scale0 === 'model.' ? 1 : keys.filter((k) => /^model_\d+\.0\.weight$/.test(k)).length;
    const convs = keys.filter((k) => k.startsWith(scale0) && k.endsWith('.weight') && shapeOf(sd, k)!.length === 4).length;
    return {
      kind: 'D', width: ndf, numDs, depth: convs - 2, inChannels: cin, norm,
      summary: `a D (${numDs} scale(s), ndf=${ndf}, ${convs - 2} stride-2 layers, ${cin} input channels)`,
    };
  }
  return { kind: 'unknown', summary: `not a BicycleGAN network (first keys: ${keys.slice(0, 3).join(', ') || 'none'})` };
}

/** Explains why `sd` does not fit `net`, naming the option to change. */
function explainMismatch(net: Network, sd: StateDict, detail: string, label: string): OfficialImportError {
  const g = guessStateDict(sd);
  const expected = net.kind;
  let hint = '';
  if (g.kind !== 'unknown' && g.kind !== expected) {
    hint = `wrong file: it holds ${g.summary}, not a ${expected}`;
  } else if (g.kind === 'unknown') {
    hint = `wrong file: ${g.summary}`;
  } else {
    const opts = (net as unknown as { options: Record<string, unknown> }).options;
    const hints: string[] = [];
    if (g.kind === 'G') {
      if (g.whereAdd && g.whereAdd !== opts.whereAdd) hints.push(`set model.where_add=${g.whereAdd}`);
      else if (g.whereAdd === 'all' && g.nz !== undefined && g.nz !== opts.nz) hints.push(`set model.nz=${g.nz}`);
      else if (g.whereAdd === 'input' && g.inChannels !== undefined && g.inChannels !== (opts.inputNc as number) + (opts.nz as number)) {
        hints.push(`its first conv takes ${g.inChannels} channels = input_nc + nz; we have ${String(opts.inputNc)} + ${String(opts.nz)} (check model.nz and data.input_nc)`);
      }
      if (g.depth !== undefined && g.depth !== opts.numDowns) hints.push(`set data.crop_size=${2 ** g.depth}`);
      if (g.width !== undefined && g.width !== opts.ngf) hints.push(`set model.ngf=${g.width}`);
    } else if (g.kind === 'E') {
      if (g.encoder !== opts.arch) hints.push(`set model.encoder=${g.encoder}`);
      if (g.nz !== undefined && g.nz !== opts.nz) hints.push(`set model.nz=${g.nz}`);
      if (g.width !== undefined && g.width !== opts.nef) hints.push(`set model.nef=${g.width}`);
      if (g.encoder === opts.arch && g.depth !== opts.depth) hints.push(`set data.crop_size=${2 ** ((g.depth ?? 0) + 3)}`);
    } else if (g.kind === 'D') {
      if (g.numDs !== opts.numDs) hints.push(`set model.num_Ds=${g.numDs}`);
      if (g.width !== undefined && g.width !== opts.ndf) hints.push(`set model.ndf=${g.width}`);
      if (g.inChannels !== undefined && g.inChannels !== opts.inputNc) {
        hints.push(`D takes ${g.inChannels} input channels, we have ${String(opts.inputNc)} (model.conditional_D feeds input_nc + output_nc)`);
      }
      if (g.depth !== opts.nLayers) hints.push(`it has ${g.depth} stride-2 layers per scale (3 = crop_size ≥ 256, 2 = smaller)`);
    }
    if ((g.norm === 'batch') !== (opts.norm === 'batch')) hints.push(g.norm === 'batch' ? 'set model.norm=batch' : 'the file has no BatchNorm: model.norm is not batch');
    hint = hints.length > 0 ? `the file holds ${g.summary}: ${hints.join('; ')}` : `the file holds ${g.summary}`;
  }
  return new OfficialImportError(`${label}: ${detail}; ${hint}`);
}

/**
 * Copies an official state_dict into `net` (tfjs layouts). Every parameter and buffer of the
 * network must be present with the right shape, and the file may hold nothing else
 * (`num_batches_tracked` counters of BatchNorm are accepted and ignored).
 */
export function importOfficial(net: Network, sd: StateDict, label: string = net.kind): void {
  const specs = net.specs();
  const known = new Set(specs.map((s) => s.key));
  const missing = specs.filter((s) => !sd.has(s.key)).map((s) => s.key);
  const extra = [...sd.keys()].filter((k) => !known.has(k) && !k.endsWith('.num_batches_tracked'));
  if (missing.length > 0 || extra.length > 0) {
    const parts: string[] = [];
    if (missing.length > 0) parts.push(`missing ${missing.length} key(s) (first: ${missing[0]})`);
    if (extra.length > 0) parts.push(`${extra.length} unexpected key(s) (first: ${extra[0]})`);
    throw explainMismatch(net, sd, parts.join(', '), label);
  }
  const converted = new Map<string, tf.Tensor>();
  try {
    for (const s of specs) {
      const t = sd.get(s.key)!;
      const want = torchShape(s.shape, s.layout);
      if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
        throw explainMismatch(
          net, sd,
          `'${s.key}' has shape [${t.shape.join(',')}] in the file but the network needs [${want.join(',')}] (${PYTORCH_LAYOUT_NAME[s.layout]})`,
          label,
        );
      }
      const { data, shape } = torchToTf(t.data, t.shape, s.layout);
      converted.set(s.key, tf.tensor(data, shape, 'float32'));
    }
    // Assign only once everything checked out, so a failed import leaves the network untouched.
    const vars = new Map([...net.params(), ...net.buffers()]);
    for (const [key, value] of converted) vars.get(key)!.assign(value);
  } finally {
    for (const t of converted.values()) t.dispose();
  }
}
