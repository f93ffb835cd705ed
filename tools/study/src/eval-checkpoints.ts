// `node bin/run-ts.js tools/study/src/eval-checkpoints.ts <checkpoint dir>... [--n-inputs 100]
//      [--n-samples 20] [--seed 0] [--json out.json] [data overrides...]`
//
// The workbench's evaluation protocol (the one `workbench eval` runs: mode coverage, no-mode
// fills, mode TV, reconstruction, L1 diversity) on checkpoint folders that are not runs: the
// folders `workbench import-official` writes (config.json + G/E .safetensors). The side-by-side
// study trains the official code on the shapes pairs (tools/study/official_shapes.py), imports
// its snapshots and scores them here with the same test inputs and z draws as the workbench runs.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@workbench/backend';
import { composeConfig } from '@workbench/config';
import { createDataset } from '@workbench/data';
import { evaluateModel, type EvalReport } from '@workbench/metrics';
import { buildNetworks, loadNetwork, type ModelOptions } from '@workbench/models';

const USAGE = 'usage: node bin/run-ts.js tools/study/src/eval-checkpoints.ts <checkpoint dir>... [--n-inputs 100] [--n-samples 20] [--seed 0] [--json out.json] [data.key=value...]';

interface Scored {
  dir: string;
  report: EvalReport;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'n-inputs': { type: 'string', default: '100' },
      'n-samples': { type: 'string', default: '20' },
      seed: { type: 'string', default: '0' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const dirs = positionals.filter((p) => !p.includes('='));
  const overrides = positionals.filter((p) => p.includes('='));
  if (values.help || dirs.length === 0) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const backend = await initBackend();
  const { config } = composeConfig({ overrides });
  const dataset = await createDataset(config.data, 'test');
  console.log(`backend ${backend.name} · ${config.data.dataset} test split, ${dataset.size} inputs`);
  const scored: Scored[] = [];
  for (const dir of dirs) {
    const model = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { model: ModelOptions }).model;
    const nets = buildNetworks(model, { withE: true, withD2: false });
    nets.D.dispose();
    loadNetwork(nets.G, join(dir, 'G.safetensors'));
    if (nets.E) loadNetwork(nets.E, join(dir, 'E.safetensors'));
    const report = await evaluateModel({ G: nets.G, E: nets.E }, dataset, {
      nInputs: Number(values['n-inputs']),
      nSamples: Number(values['n-samples']),
      pairs: config.eval.pairs,
      nz: model.nz,
      seed: Number(values.seed),
      lpipsSkipped: 'not computed by the study tool',
      c2st: false,
    });
    nets.G.dispose();
    nets.E?.dispose();
    scored.push({ dir, report });
    const m = report.modes;
    const fmt = (v: { mean: number; se: number } | undefined) => (v ? `${v.mean.toFixed(3)} ± ${v.se.toFixed(3)}` : '–');
    console.log(
      `${dir}  coverage ${fmt(m?.coverage)}  no-mode ${fmt(m?.noModeFraction)}  TV ${fmt(m?.tv)}  ` +
        `recon L1 ${fmt(report.reconstruction)}  L1 diversity ${fmt(report.diversity.l1)}`,
    );
  }
  dataset.dispose();
  if (values.json) writeFileSync(values.json, JSON.stringify(scored, null, 2));
}

await main();
