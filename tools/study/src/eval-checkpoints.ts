// `node bin/run-ts.js tools/study/src/eval-checkpoints.ts <checkpoint dir>... [--n-inputs 100]
//      [--n-samples 20] [--seed 0] [--json out.json] [data overrides...]`
// `node bin/run-ts.js tools/study/src/eval-checkpoints.ts --db <workbench.db> --runs-dir <runs>
//      --run <run id> [...]`: every complete checkpoint of a workbench run.
//
// The workbench's evaluation protocol (the one `workbench eval` runs: mode coverage, no-mode
// fills, mode TV, reconstruction, encoded fills correct, L1 diversity) on every snapshot of a training, not only the
// last: the folders `workbench import-official` writes (config.json + G/E .safetensors), or each
// checkpoint of a run. The side-by-side study trains the official code on the shapes pairs
// (tools/study/official_shapes.py), imports its snapshots and scores them here with the same
// test inputs and z draws as the workbench's checkpoints.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@workbench/backend';
import { composeConfig } from '@workbench/config';
import { createDataset } from '@workbench/data';
import { evaluateModel, loadEvalNetworks, loadRunModel, type EvalNetworks, type EvalReport } from '@workbench/metrics';
import type { ModelOptions } from '@workbench/models';
import { completeCheckpoints, openStore, realRunFolder, storedConfigOf } from '@workbench/tracking';

const USAGE = `usage: node bin/run-ts.js tools/study/src/eval-checkpoints.ts <checkpoint dir>... [--n-inputs 100] [--n-samples 20] [--seed 0] [--json out.json] [data.key=value...]
       node bin/run-ts.js tools/study/src/eval-checkpoints.ts --db <workbench.db> --runs-dir <runs> --run <run id> [...]`;

interface Scored {
  dir: string;
  step?: number;
  report: EvalReport;
}

/** G and E of one snapshot, and what evaluating it needs. */
interface Snapshot {
  dir: string;
  step?: number;
  nz: number;
  nets: EvalNetworks;
}

/** A folder written by `workbench import-official` (its config.json holds the model options). */
function importedSnapshot(dir: string): Snapshot {
  const model = (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { model: ModelOptions }).model;
  return { dir, nz: model.nz, nets: loadEvalNetworks(model, dir) };
}

/** Every complete checkpoint of a workbench run, loaded lazily in step order. */
function runSnapshots(db: string, runsDir: string, runId: string): Array<() => Snapshot> {
  const store = openStore(db, { mustExist: true });
  const run = store.getRun(runId);
  store.close();
  if (!run) throw new Error(`no run ${runId} in ${db}`);
  const config = storedConfigOf(run);
  return completeCheckpoints(realRunFolder(runsDir, runId)).map((ckpt) => () => {
    const m = loadRunModel(config, ckpt);
    return { dir: ckpt.dir, step: m.step, nz: config.model.nz, nets: m };
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'n-inputs': { type: 'string', default: '100' },
      'n-samples': { type: 'string', default: '20' },
      seed: { type: 'string', default: '0' },
      json: { type: 'string' },
      db: { type: 'string' },
      'runs-dir': { type: 'string', default: 'runs' },
      run: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const dirs = positionals.filter((p) => !p.includes('='));
  const overrides = positionals.filter((p) => p.includes('='));
  if (values.help || (dirs.length === 0 && values.run === undefined)) {
    console.log(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const backend = await initBackend();
  const { config } = composeConfig({ overrides });
  const dataset = await createDataset(config.data, 'test');
  console.log(`backend ${backend.name} · ${config.data.dataset} test split, ${dataset.size} inputs`);
  const scored: Scored[] = [];
  const snapshots: Array<() => Snapshot> = dirs.map((dir) => () => importedSnapshot(dir));
  if (values.run !== undefined) snapshots.push(...runSnapshots(values.db ?? 'workbench.db', values['runs-dir'], values.run));
  for (const load of snapshots) {
    const { dir, step, nz, nets } = load();
    const report = await evaluateModel(nets, dataset, {
      nInputs: Number(values['n-inputs']),
      nSamples: Number(values['n-samples']),
      pairs: config.eval.pairs,
      nz,
      seed: Number(values.seed),
      lpipsSkipped: 'not computed by the study tool',
      c2st: false,
    });
    nets.dispose();
    scored.push({ dir, step, report });
    const m = report.modes;
    const fmt = (v: { mean: number; se: number } | undefined) => (v ? `${v.mean.toFixed(3)} ± ${v.se.toFixed(3)}` : '–');
    console.log(
      `${dir}  coverage ${fmt(m?.coverage)}  no-mode ${fmt(m?.noModeFraction)}  TV ${fmt(m?.tv)}  ` +
        `recon L1 ${fmt(report.reconstruction)}  encoded fills correct ${fmt(report.encodedModes)}  L1 diversity ${fmt(report.diversity.l1)}`,
    );
  }
  dataset.dispose();
  if (values.json) writeFileSync(values.json, JSON.stringify(scored, null, 2));
}

await main();
