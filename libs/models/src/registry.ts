// Networks by name from the config (`model.*` keys plus the image size and channels), the way
// the official define_G / define_E / define_D factories pick them; unknown names fail loudly.
import { Discriminator, type DiscriminatorOptions } from './discriminator.js';
import { Encoder, type EncoderOptions } from './encoder.js';
import { Generator, type GeneratorOptions } from './generator.js';
import { ENCODERS, NORMS, UPSAMPLES, WHERE_ADD, type ModelOptions } from './model-options.js';
import { ParamStore } from './param-store.js';

export class ModelOptionsError extends Error {
  override name = 'ModelOptionsError';
}

function oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new ModelOptionsError(`unknown ${key} '${String(value)}': use one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function positiveInt(key: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ModelOptionsError(`${key} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** Checks every option; returns the derived per-network options. */
export function resolveModelOptions(opts: ModelOptions): { G: GeneratorOptions; E: EncoderOptions; D: DiscriminatorOptions } {
  const encoder = oneOf('model.encoder', opts.encoder, ENCODERS);
  const whereAdd = oneOf('model.where_add', opts.where_add, WHERE_ADD);
  const norm = oneOf('model.norm', opts.norm, NORMS);
  const upsample = oneOf('model.upsample', opts.upsample, UPSAMPLES);
  const nz = positiveInt('model.nz', opts.nz);
  const ngf = positiveInt('model.ngf', opts.ngf);
  const ndf = positiveInt('model.ndf', opts.ndf);
  const nef = positiveInt('model.nef', opts.nef);
  const numDs = positiveInt('model.num_Ds', opts.num_Ds);
  const inputNc = positiveInt('data.input_nc', opts.inputNc);
  const outputNc = positiveInt('data.output_nc', opts.outputNc);
  const crop = positiveInt('data.crop_size', opts.cropSize);
  const levels = Math.log2(crop);
  if (!Number.isInteger(levels) || crop < 32) {
    throw new ModelOptionsError(`data.crop_size must be a power of two ≥ 32 (the U-Net halves it down to 1×1), got ${crop}`);
  }
  return {
    G: { inputNc, outputNc, nz, numDowns: levels, ngf, norm, useDropout: !!opts.use_dropout, upsample, whereAdd },
    // E: the depth that brings the map to 8×8 before the official AvgPool2d(8) (5 at 256, 4 at 128).
    E: { arch: encoder, inputNc: outputNc, nz, nef, norm, depth: levels - 3, cropSize: crop },
    // D: basic_256_multi (3 layers) at 256 px and above, basic_128_multi (2 layers) below.
    D: { inputNc: opts.conditional_D ? inputNc + outputNc : outputNc, ndf, nLayers: crop >= 256 ? 3 : 2, norm, numDs },
  };
}

export interface BuildOptions {
  /** Seed of the weight init (each network draws from its own stream). Default 0. */
  seed?: number;
  /** false: record shapes only (for counting); the networks cannot run. Default true. */
  allocate?: boolean;
  /** Build D2 (the cLR-branch discriminator). Default true. */
  withD2?: boolean;
  /** Build E. Default true (pix2pix+noise has no encoder). */
  withE?: boolean;
}

export interface Networks {
  G: Generator;
  E?: Encoder;
  D: Discriminator;
  D2?: Discriminator;
}

/** The four networks by name (D2: the cLR branch's discriminator). */
export type NetName = keyof Networks;

/** Builds G, E, D, D2 for `opts`, initialised as the official init_net (xavier normal, zero bias). */
export function buildNetworks(opts: ModelOptions, build: BuildOptions = {}): Networks {
  const r = resolveModelOptions(opts);
  const seed = build.seed ?? 0;
  const gain = opts.init_gain ?? 0.02;
  const make = <T extends { store: ParamStore }>(kind: string, ctor: (s: ParamStore) => T): T => {
    const store = new ParamStore(kind);
    const net = ctor(store);
    if (build.allocate !== false) store.allocate(seed, gain);
    return net;
  };
  const nets: Networks = {
    G: make('G', (s) => new Generator(s, r.G)),
    D: make('D', (s) => new Discriminator(s, r.D)),
  };
  if (build.withD2 !== false) nets.D2 = make('D2', (s) => new Discriminator(s, r.D));
  if (build.withE !== false) nets.E = make('E', (s) => new Encoder(s, r.E));
  return nets;
}

/** Parameter counts without allocating any variable. */
export function countParameters(opts: ModelOptions): { G: number; E: number; D: number; D2: number } {
  const n = buildNetworks(opts, { allocate: false });
  return { G: n.G.numParams(), E: n.E!.numParams(), D: n.D.numParams(), D2: n.D2!.numParams() };
}

/** Output shapes for a batch of `batch` images, computed from the architecture (no forward pass). */
export function outputShapes(opts: ModelOptions, batch = 1): { G: number[]; E: { mu: number[]; logvar: number[] }; D: number[][] } {
  const r = resolveModelOptions(opts);
  const crop = opts.cropSize;
  const D: number[][] = [];
  let size = crop;
  for (let s = 0; s < r.D.numDs; s++) {
    // nLayers stride-2 convs (k4 p1: ⌊(H+2−4)/2⌋+1), then two stride-1 k4 p1 convs (H−1 each).
    let h = size;
    for (let l = 0; l < r.D.nLayers; l++) h = Math.floor((h - 2) / 2) + 1;
    D.push([batch, h - 2, h - 2, 1]);
    size = Math.floor((size + 2 - 3) / 2) + 1; // AvgPool2d(3, s2, p1)
  }
  return { G: [batch, crop, crop, opts.outputNc], E: { mu: [batch, opts.nz], logvar: [batch, opts.nz] }, D };
}

/** The slice of a resolved workbench config the networks depend on (structural, no config import). */
export interface ModelConfigSlice {
  model: Omit<ModelOptions, 'cropSize' | 'inputNc' | 'outputNc'>;
  data: { crop_size: number; input_nc: number; output_nc: number };
}

/** ModelOptions from a resolved config: `config.model` plus data.crop_size / input_nc / output_nc. */
export function modelOptionsFromConfig(config: ModelConfigSlice): ModelOptions {
  const m = config.model;
  return {
    encoder: m.encoder,
    where_add: m.where_add,
    nz: m.nz,
    ngf: m.ngf,
    ndf: m.ndf,
    nef: m.nef,
    norm: m.norm,
    upsample: m.upsample,
    use_dropout: m.use_dropout,
    num_Ds: m.num_Ds,
    conditional_D: m.conditional_D,
    init_gain: m.init_gain,
    cropSize: config.data.crop_size,
    inputNc: config.data.input_nc,
    outputNc: config.data.output_nc,
  };
}
