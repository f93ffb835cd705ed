// The one config schema (convict): every key the workbench reads, with its format, default, doc
// and env var. docs/ARCHITECTURE.md "Config keys" is the human-readable copy of this file.
//
// One source for every allowed value: the `data.*`, `model.*`, `gan_mode` and `backend` values (and the
// data/model defaults) come from the libraries below config that implement them, through their
// tfjs-free entry points; the method names and `eval.*` values are defined here, and the
// libraries above config (training, metrics, which import config) take them from here.
import convict from 'convict';
import { BACKEND_CHOICES, type BackendChoice } from '@workbench/backend/names';
import { DATA_DEFAULTS, DATASETS, DIRECTIONS, PREPROCESS_MODES, SPLITS } from '@workbench/data/config';
import { GAN_MODES } from '@workbench/losses/gan-modes';
import { DEFAULT_MODEL_OPTIONS, ENCODERS, NORMS, UPSAMPLES, WHERE_ADD } from '@workbench/models/options';

export const METHODS = ['bicyclegan', 'cvae_gan', 'cvae_gan_pp', 'clr_gan', 'cae_gan', 'pix2pix_noise'] as const;
/** Which samples of one input the diversity protocol compares (`eval.pairs`). */
export const PAIR_MODES = ['consecutive', 'all'] as const;
/** LPIPS linear-weight versions (`eval.lpips_version`): 0.0 as BicycleGAN reports, 0.1 the `lpips` default. */
export const LPIPS_VERSIONS = ['0.0', '0.1'] as const;
/** `backend` values: `auto` plus the backend library's names (`@workbench/backend/names`, tfjs-free). */
export const BACKENDS = BACKEND_CHOICES;
export const LAUNCHERS = ['local', 'slurm'] as const;

export type Method = (typeof METHODS)[number];
export type PairMode = (typeof PAIR_MODES)[number];
export type LpipsVersion = (typeof LPIPS_VERSIONS)[number];
export type { BackendChoice };
export type LauncherType = (typeof LAUNCHERS)[number];

/** What each custom format holds: the TypeScript type of a leaf follows from its format, so the
 *  resolved config's type is derived from SCHEMA below instead of being written beside it. */
export interface FormatTypes {
  int: number;
  nat: number;
  'positive-int': number;
  'even-int': number;
  channels: 1 | 3;
  port: number;
  'non-negative': number;
  bool: boolean;
  string: string;
  'string-list': string[];
  'sweep-params': Record<string, unknown>;
}
export type FormatName = keyof FormatTypes;

/** Value checks beyond convict's built-ins. Each returns the allowed-values text for errors. */
export interface CustomFormat {
  name: FormatName;
  allowed: string;
  test: (value: unknown) => boolean;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
export const CUSTOM_FORMATS: CustomFormat[] = [
  { name: 'int', allowed: 'an integer', test: isInt },
  { name: 'nat', allowed: 'an integer >= 0', test: (v) => isInt(v) && v >= 0 },
  { name: 'positive-int', allowed: 'an integer >= 1', test: (v) => isInt(v) && v >= 1 },
  { name: 'even-int', allowed: 'an even integer >= 2', test: (v) => isInt(v) && v >= 2 && v % 2 === 0 },
  { name: 'channels', allowed: '1 or 3', test: (v) => v === 1 || v === 3 },
  { name: 'port', allowed: 'an integer 0..65535', test: (v) => isInt(v) && v >= 0 && v <= 65535 },
  { name: 'non-negative', allowed: 'a number >= 0', test: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 },
  { name: 'bool', allowed: 'true or false', test: (v) => typeof v === 'boolean' },
  { name: 'string', allowed: 'a string', test: (v) => typeof v === 'string' },
  { name: 'string-list', allowed: 'a list of strings, e.g. [a,b]', test: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string') },
  {
    name: 'sweep-params',
    allowed: 'a map of key -> list of values or comma-separated string',
    test: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
  },
];

let formatsRegistered = false;
function registerFormats(): void {
  if (formatsRegistered) return;
  formatsRegistered = true;
  for (const f of CUSTOM_FORMATS) {
    // convict ships `int`, `nat`; ours replace them with the same semantics and clearer messages.
    convict.addFormat({
      name: f.name,
      validate(value: unknown) {
        if (!f.test(value)) throw new Error(`must be ${f.allowed}`);
      },
    });
  }
}

/** A convict entry. `T` is the type of its value (phantom for enums: `format` lists the values). */
interface Leaf<T = unknown> {
  doc: string;
  format: string | readonly string[];
  default: T;
  env?: string;
}
type SchemaNode = { [key: string]: SchemaNode | Leaf };

/** An enum leaf: one of `values`. */
const e = <T extends readonly string[]>(values: T, def: T[number], doc: string): Leaf<T[number]> => ({ doc, format: values, default: def });
/** A leaf of a custom format; its value type is FormatTypes[format]. */
const leaf = <F extends FormatName>(format: F, def: FormatTypes[F], doc: string, env?: string): Leaf<FormatTypes[F]> =>
  env ? { doc, format, default: def, env } : { doc, format, default: def };

const D = DATA_DEFAULTS;
const M = DEFAULT_MODEL_OPTIONS;

/** The schema tree. Leaves are convict entries; the defaults are the official BicycleGAN settings. */
export const SCHEMA = {
  name: leaf('string', '', 'run name; empty = derived from the experiment and overrides'),
  seed: leaf('int', 0, 'random seed of initialisation, batching and z sampling (not of the dataset)'),
  method: e(METHODS, 'bicyclegan', 'which of the six paper variants to train'),
  backend: { ...e(BACKENDS, 'auto', 'TensorFlow.js backend; auto = best available'), env: 'WORKBENCH_BACKEND' },
  resume: leaf('string', '', 'run id to continue from its latest checkpoint'),
  data: {
    dataset: e(DATASETS, D.dataset, 'built-in synthetic shapes, or an aligned A|B image folder'),
    root: leaf('string', D.root, 'folder of an aligned dataset (holding train/ and val/ or test/)'),
    direction: e(DIRECTIONS, D.direction, 'translation direction'),
    load_size: leaf('positive-int', D.load_size, 'images are resized to this size before cropping'),
    crop_size: leaf('positive-int', D.crop_size, 'training crop size (the network resolution)'),
    preprocess: e(PREPROCESS_MODES, D.preprocess, 'preprocessing of aligned images'),
    no_flip: leaf('bool', D.no_flip, 'disable random horizontal flips'),
    input_nc: leaf('channels', D.input_nc, 'channels of A'),
    output_nc: leaf('channels', D.output_nc, 'channels of B'),
    train_size: leaf('positive-int', D.train_size, 'shapes: number of training pairs'),
    test_size: leaf('positive-int', D.test_size, 'shapes: number of test pairs'),
    num_modes: leaf('positive-int', D.num_modes, 'shapes: K palette modes of B for a given A'),
    max_shapes: leaf('positive-int', D.max_shapes, 'shapes: shapes per image'),
    background_modes: leaf('positive-int', D.background_modes, 'shapes: background colour modes (1 = fixed background)'),
    seed: leaf('int', D.seed, 'shapes: dataset generation seed (separate from the run seed)'),
  },
  model: {
    encoder: e(ENCODERS, M.encoder, 'encoder E architecture (resnet_256 / conv_256 in the official code)'),
    where_add: e(WHERE_ADD, M.where_add, 'inject z at the input only or into every G down layer'),
    nz: leaf('positive-int', M.nz, 'latent code length |z|'),
    ngf: leaf('positive-int', M.ngf, 'G width (filters of the first layer)'),
    ndf: leaf('positive-int', M.ndf, 'D width'),
    nef: leaf('positive-int', M.nef, 'E width'),
    norm: e(NORMS, M.norm, 'normalisation layer'),
    upsample: e(UPSAMPLES, M.upsample, 'G upsampling: transposed conv, or bilinear + conv'),
    use_dropout: leaf('bool', M.use_dropout, 'dropout in G (every official script passes --use_dropout)'),
    num_Ds: leaf('positive-int', M.num_Ds, 'scales per multi-scale discriminator'),
    conditional_D: leaf('bool', M.conditional_D, 'D sees concat(A, B) instead of B only'),
    gan_mode: e(GAN_MODES, 'lsgan', 'GAN objective'),
    init_gain: leaf('non-negative', M.init_gain, 'xavier normal init gain'),
  },
  loss: {
    lambda_L1: leaf('non-negative', 10, 'weight of the image L1 loss'),
    lambda_kl: leaf('non-negative', 0.01, 'weight of the KL loss'),
    lambda_z: leaf('non-negative', 0.5, 'weight of the latent L1 loss (cLR branch)'),
    lambda_GAN: leaf('non-negative', 1, 'weight of the GAN loss on the encoded (cVAE) branch'),
    lambda_GAN2: leaf('non-negative', 1, 'weight of the GAN loss on the random-z (cLR) branch'),
  },
  train: {
    batch_size: leaf('even-int', 2, 'batch size (even: half cVAE, half cLR)'),
    lr: leaf('non-negative', 2e-4, 'Adam learning rate'),
    beta1: leaf('non-negative', 0.5, 'Adam beta1'),
    beta2: leaf('non-negative', 0.999, 'Adam beta2'),
    niter: leaf('nat', 100, 'epochs at constant learning rate'),
    niter_decay: leaf('nat', 100, 'epochs of linear learning-rate decay to 0'),
    iters: leaf('nat', 0, 'if > 0: stop after this many iterations (the lr schedule is spread over them)'),
    log_every: leaf('positive-int', 10, 'iterations between metric points'),
    display_every: leaf('positive-int', 100, 'iterations between image grids'),
    checkpoint_every: leaf('positive-int', 500, 'iterations between checkpoints (and always at the end)'),
    num_samples: leaf('positive-int', 3, 'random-z samples per input in the image grids'),
    eval_every: leaf('nat', 250, 'iterations between in-training evaluations, logged as eval_* metric series (0 = off)'),
    eval_inputs: leaf('positive-int', 16, 'in-training evaluation: the first N test inputs (a fixed subset)'),
    eval_samples: leaf('positive-int', 8, 'in-training evaluation: random-z samples per input (fixed seed)'),
    runs_dir: leaf('string', 'runs', 'folder of run folders (runs/<run-id>/)'),
    keep_checkpoints: leaf('nat', 0, 'keep only the last N checkpoints plus the best one (0 = keep all)'),
    best_metric: leaf('string', 'G_L1', 'the training metric whose lowest value marks the best checkpoint (empty = no best, only the last N)'),
  },
  eval: {
    n_inputs: leaf('positive-int', 100, 'inputs for the diversity protocol'),
    n_samples: leaf('positive-int', 20, 'random-z samples per input'),
    pairs: e(PAIR_MODES, 'consecutive', 'LPIPS pairs among the samples of one input'),
    lpips_version: e(LPIPS_VERSIONS, '0.0', 'LPIPS linear weights version (the paper used 0.0)'),
    lpips_dir: leaf('string', '~/.cache/bicyclegan-workbench/lpips', 'folder of converted LPIPS weights', 'WORKBENCH_LPIPS_DIR'),
    split: e(SPLITS, 'test', 'split to evaluate on; when left at test and there is no test/, val/ is used (with a note)'),
  },
  tracking: {
    db: leaf('string', 'workbench.db', 'SQLite tracking database', 'WORKBENCH_DB'),
    uri: leaf('string', '', 'http://host:port of a workbench server to report to (remote runs)'),
  },
  serve: {
    host: leaf('string', '127.0.0.1', 'dashboard host'),
    port: leaf('port', 7860, 'dashboard port'),
    token: leaf('string', '', 'bearer token required by the server (empty = none)', 'WORKBENCH_TOKEN'),
  },
  sweep: {
    seeds: leaf('nat', 0, 'multirun: add a seed axis seed, seed+1, ... of this length (0 = none)'),
    params: leaf('sweep-params', {}, 'multirun: axes key -> values (experiment files), like hydra.sweeper.params'),
    id: leaf('string', '', 'set by the sweep runner: the sweep this run belongs to'),
    job: leaf('string', '', 'set by the sweep runner: this run\'s stable job id'),
  },
  launcher: {
    type: e(LAUNCHERS, 'local', 'where sweep jobs run (select with launcher=local|slurm)'),
    jobs: leaf('nat', 0, 'local: parallel worker processes (0 = what the cores allow)'),
    partition: leaf('string', '', 'slurm: partition'),
    time: leaf('string', '', 'slurm: time limit per job, e.g. 04:00:00'),
    cpus_per_task: leaf('positive-int', 2, 'slurm: CPUs per job'),
    gpus_per_task: leaf('nat', 0, 'slurm: GPUs per job'),
    mem: leaf('string', '', 'slurm: memory per job, e.g. 16G'),
    max_parallel: leaf('nat', 0, 'slurm: array throttle %N (0 = no limit)'),
    extra: leaf('string-list', [], 'slurm: raw #SBATCH lines'),
  },
} satisfies SchemaNode;

/** The value type of a schema node: a leaf's value, or an object of its children's. */
type Resolved<N> = N extends Leaf<infer T> ? T : { -readonly [K in keyof N]: Resolved<N[K]> };

/** The resolved config: plain data, every key present. Derived from SCHEMA, so a key added,
 *  removed or retyped there changes this type (and every reader that no longer fits fails to
 *  compile). `config.spec.ts` checks that `data` and `model` stay the libraries' own option types. */
export type ResolvedConfig = Resolved<typeof SCHEMA>;

export interface SchemaEntry extends Leaf {
  key: string;
}

const isLeaf = (n: SchemaNode | Leaf): n is Leaf => 'doc' in n && 'format' in n && 'default' in n;

/** Every leaf of the schema, in declaration order, with its dotted key. */
export function schemaEntries(): SchemaEntry[] {
  const out: SchemaEntry[] = [];
  const walk = (node: SchemaNode, prefix: string) => {
    for (const [k, child] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (isLeaf(child)) out.push({ key, ...child });
      else walk(child, key);
    }
  };
  walk(SCHEMA as SchemaNode, '');
  return out;
}

/** A convict instance of the schema (env vars on, command-line args off: we parse overrides). */
export function createConvict(env: NodeJS.ProcessEnv = process.env): convict.Config<ResolvedConfig> {
  registerFormats();
  // convict mutates nothing in the schema object it receives; a deep copy keeps defaults pristine.
  const schema = structuredClone(SCHEMA) as unknown as convict.Schema<ResolvedConfig>;
  return convict(schema, { env, args: [] });
}
