// `workbench inspect [overrides...] [--json]`: parameter counts and output shapes of G, E, D, D2
// for the configured model, and the backend that would run it. Counts come from the recorded
// shapes (nothing allocated); `--run` also builds the networks and runs one forward pass.
//
//   npx workbench inspect model.encoder=resnet model.where_add=all model.nz=8 data.crop_size=256 --json
import type { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { BackendError, initBackend, parseBackendChoice } from '@workbench/backend';
import { composeConfig } from '@workbench/config';
import {
  buildNetworks,
  countParameters,
  ModelOptionsError,
  modelOptionsFromConfig,
  outputShapes,
  type ModelOptions,
  type NetName,
} from '@workbench/models';
import { formatTable } from '@workbench/text';
import { METHODS, type MethodName } from '@workbench/training';
import { withUserErrors } from '../user-error.js';
import { withConfigErrors } from './config.js';


interface NetworkReport {
  params: number;
  /** Output shapes, NHWC / [N, nz]. D: one per scale. */
  output: number[] | { mu: number[]; logvar: number[] } | number[][];
}

export interface InspectReport {
  backend: string;
  method: string;
  model: ModelOptions;
  /** The networks the method builds (bicyclegan: all four; cvae_gan: no D2; pix2pix_noise: no E). */
  networks: Partial<Record<NetName, NetworkReport>>;
  total: number;
  /** With --run: measured shapes equal the predicted ones, and the forward time. */
  run?: { ok: boolean; forwardMs: number };
}

export function inspectModel(model: ModelOptions, backend: string, method = 'bicyclegan', batch = 1): InspectReport {
  const counts = countParameters(model);
  const shapes = outputShapes(model, batch);
  const all: Record<NetName, NetworkReport> = {
    G: { params: counts.G, output: shapes.G },
    E: { params: counts.E, output: shapes.E },
    D: { params: counts.D, output: shapes.D },
    D2: { params: counts.D2, output: shapes.D },
  };
  const built = new Set<string>(METHODS[method as MethodName]?.networks ?? ['G', 'E', 'D', 'D2']);
  const networks: Partial<Record<NetName, NetworkReport>> = {};
  for (const k of ['G', 'E', 'D', 'D2'] as const) if (built.has(k)) networks[k] = all[k];
  return {
    backend,
    method,
    model,
    networks,
    total: Object.values(networks).reduce((acc, n) => acc + n.params, 0),
  };
}

/** Builds the networks and runs one forward pass at batch 1; checks the predicted shapes. */
function runOnce(model: ModelOptions): { ok: boolean; forwardMs: number } {
  const nets = buildNetworks(model, { seed: 0, withD2: false });
  try {
    const t0 = performance.now();
    const measured = tf.tidy(() => {
      const a = tf.zeros([1, model.cropSize, model.cropSize, model.inputNc]) as tf.Tensor4D;
      const b = tf.zeros([1, model.cropSize, model.cropSize, model.outputNc]) as tf.Tensor4D;
      const fake = nets.G.apply(a, tf.zeros([1, model.nz]) as tf.Tensor2D);
      const { mu, logvar } = nets.E!.apply(b);
      const d = nets.D.apply(model.conditional_D ? (tf.concat([a, b], 3) as tf.Tensor4D) : b);
      return JSON.stringify({ G: fake.shape, E: { mu: mu.shape, logvar: logvar.shape }, D: d.map((x) => x.shape) });
    });
    const forwardMs = performance.now() - t0;
    const predicted = JSON.stringify(outputShapes(model, 1));
    return { ok: measured === predicted, forwardMs };
  } finally {
    for (const n of Object.values(nets)) n?.dispose();
  }
}

function fmtShape(s: number[]): string {
  return `[${s.join(', ')}]`;
}

export function formatInspect(r: InspectReport): string {
  const m = r.model;
  const describe = (k: NetName, n: NetworkReport): string => {
    if (k === 'G') return fmtShape(n.output as number[]);
    if (k === 'E') {
      const e = n.output as { mu: number[]; logvar: number[] };
      return `mu ${fmtShape(e.mu)}, logvar ${fmtShape(e.logvar)}`;
    }
    return (n.output as number[][]).map(fmtShape).join(', ');
  };
  const rows: Array<[string, string, string]> = (Object.entries(r.networks) as Array<[NetName, NetworkReport]>).map(([k, n]) => [
    k,
    n.params.toLocaleString('en-US'),
    describe(k, n),
  ]);
  rows.push(['total', r.total.toLocaleString('en-US'), '']);
  const lines = [
    `model: encoder=${m.encoder} where_add=${m.where_add} nz=${m.nz} ngf=${m.ngf} nef=${m.nef} ndf=${m.ndf} norm=${m.norm} upsample=${m.upsample} num_Ds=${m.num_Ds} conditional_D=${m.conditional_D}`,
    `images: ${m.cropSize}×${m.cropSize}, input_nc=${m.inputNc}, output_nc=${m.outputNc}`,
    `method: ${r.method} (networks: ${Object.keys(r.networks).join(', ')})`,
    `backend: ${r.backend}`,
    '',
    formatTable(['network', 'parameters', 'output shape (batch 1, NHWC)'], rows, { align: ['left', 'right'] }),
  ];
  if (r.run) lines.push('', `forward pass: ${r.run.ok ? 'shapes as predicted' : 'SHAPES DIFFER from the prediction'}, ${r.run.forwardMs.toFixed(0)} ms (G + E + D, batch 1)`);
  return lines.join('\n');
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('print parameter counts and output shapes of G, E, D, D2 for a model config, and the backend')
    .argument('[overrides...]', 'config overrides, e.g. model.encoder=cnn model.nz=2 data.crop_size=256')
    .option('--json', 'print as JSON')
    .option('--run', 'also build the networks and run one forward pass (checks the shapes, times it)')
    .action(async (overrides: string[], opts: { json?: boolean; run?: boolean }) => {
      const { config } = withConfigErrors(() => composeConfig({ overrides }));
      const model = modelOptionsFromConfig(config);
      withUserErrors([ModelOptionsError], () => countParameters(model)); // validates the options before the backend starts
      const backendChoice = config.backend;
      const method = config.method;
      const backend = (await withUserErrors([BackendError], () => initBackend({ force: parseBackendChoice(backendChoice) }))).name;
      const report = inspectModel(model, backend, method);
      if (opts.run) report.run = runOnce(model);
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatInspect(report));
    });
}
