// `npm run bench -- [--res 64,128,256] [--ngf 16,32,64] [--backends wasm,cpu] [--steps N]
//                   [--batch 2] [--threads 0,2] [--max-seconds 60] [--json out.json]`
// --threads runs wasm once per value of WORKBENCH_WASM_THREADS (0 = the single-threaded binary).
// --stock-backprop-input runs wasm with tfjs's own Conv2DBackpropInput (A/B of our kernel).
//
// Times one pix2pix training step (U-Net G + 3-layer PatchGAN, forward + backward + Adam) per
// backend × resolution × base width, each configuration in its own process.
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { forwardFlops } from './pix2pix-net.js';
import { formatBenchTable, type BenchResult } from './bench-result.js';
import { OFFICIAL_MALLOC, sideBySide, type OfficialMalloc } from './side-by-side.js';
import { ortRuntime } from '@workbench/backend';

const USAGE = `usage: npm run bench -- [--res 64,128,256] [--ngf 16,32,64] [--backends node-gpu,node,wasm,cpu]
                      [--steps 5] [--warmup 1] [--batch 2] [--threads 0,2] [--max-seconds 60] [--all]
                      [--stock-backprop-input] [--json out.json]
       npm run bench -- --official <official checkout> [--configs 256/64/2,128/16/8] [--iters 6] [--rounds 1] [--threads 1,2] [--cpus 0] [--official-malloc default,workbench] [--no-native] [--no-wasm]`;

/** Rough sustained conv speed per backend (GFLOP/s) to skip configurations that would take forever. */
const EXPECTED_GFLOPS: Record<string, number> = { 'node-gpu': 200, node: 20, wasm: 4, cpu: 0.015 };

function list(value: string, what: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new Error(`--${what} is empty: give a comma-separated list`);
  return items;
}

function numbers(value: string, what: string): number[] {
  return list(value, what).map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${what}: '${s}' is not a positive integer`);
    return n;
  });
}

/** The first value of a numeric flag (the benchmark takes one steps and one batch size). */
function firstNumber(value: string, what: string): number {
  const [n] = numbers(value, what);
  if (n === undefined) throw new Error(`--${what} is empty: give a positive integer`);
  return n;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        res: { type: 'string', default: '64,128,256' },
        ngf: { type: 'string', default: '16,32,64' },
        backends: { type: 'string', default: 'node-gpu,node,wasm,cpu' },
        steps: { type: 'string', default: '5' },
        warmup: { type: 'string', default: '1' },
        batch: { type: 'string', default: '2' },
        threads: { type: 'string' },
        'max-seconds': { type: 'string', default: '60' },
        all: { type: 'boolean', default: false },
        'stock-backprop-input': { type: 'boolean', default: false },
        json: { type: 'string' },
        official: { type: 'string' },
        configs: { type: 'string', default: '256/64/2,128/16/8' },
        iters: { type: 'string', default: '6' },
        rounds: { type: 'string', default: '1' },
        cpus: { type: 'string' },
        'no-native': { type: 'boolean', default: false },
        'no-wasm': { type: 'boolean', default: false },
        'official-malloc': { type: 'string', default: OFFICIAL_MALLOC.join(',') },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.official !== undefined) {
    const configs = list(args.configs, 'configs').map((c) => {
      const [res, width, batch] = c.split('/').map(Number);
      if (![res, width, batch].every((n) => Number.isInteger(n) && n! > 0)) throw new Error(`--configs: '${c}' is not res/width/batch, e.g. 256/64/2`);
      return { res: res!, width: width!, batch: batch! };
    });
    const [iters] = numbers(args.iters, 'iters');
    const [rounds] = numbers(args.rounds, 'rounds');
    const threads = args.threads === undefined ? [1] : numbers(args.threads, 'threads');
    const officialMalloc = list(args['official-malloc'], 'official-malloc').map((v) => {
      if (!(OFFICIAL_MALLOC as readonly string[]).includes(v)) throw new Error(`--official-malloc: '${v}' is not one of ${OFFICIAL_MALLOC.join(', ')}`);
      return v as OfficialMalloc;
    });
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
    return sideBySide({ officialMalloc, officialDir: resolve(args.official), configs, iters: iters!, rounds: rounds!, ...(args.cpus !== undefined && { cpus: args.cpus }), threads, python: process.env['PYTHON'] ?? '/usr/bin/python3', root, native: !args['no-native'] && ortRuntime() !== undefined, wasm: !args['no-wasm'] });
  }
  const resList = numbers(args.res, 'res');
  const ngfList = numbers(args.ngf, 'ngf');
  const backends = list(args.backends, 'backends');
  const steps = firstNumber(args.steps, 'steps');
  const warmup = Number(args.warmup);
  const batch = firstNumber(args.batch, 'batch');
  const maxSeconds = Number(args['max-seconds']);
  const threadsList = args.threads === undefined ? [undefined] : list(args.threads, 'threads');
  if (steps < 5) console.warn(`note: --steps ${steps} < 5: the median is less robust`);

  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, '../../..');
  const results: BenchResult[] = [];
  const unavailable = new Set<string>();

  // Thread variants of one configuration run back to back, so they share the machine's load.
  for (const backend of backends) {
    for (const res of resList) {
      for (const ngf of ngfList) {
        for (const threads of backend === 'wasm' ? threadsList : [undefined]) {
          const row: BenchResult = { backend, res, ngf, batch, status: 'skipped', details: {}, threads };
          if (unavailable.has(backend)) continue;
          // Estimate from FLOPs alone, without building the net's variables.
          const flops = estimateFlops(res, ngf, batch);
          const expected = flops / 1e9 / (EXPECTED_GFLOPS[backend] ?? 1);
          if (!args.all && expected > maxSeconds) {
            row.gflopPerStep = flops / 1e9;
            row.note = `skipped: ~${Math.round(expected)} s/step expected (> --max-seconds ${maxSeconds}; --all runs it)`;
            console.log(`${backend} ${res}px ngf ${ngf}: ${row.note}`);
            results.push(row);
            continue;
          }
          process.stdout.write(`${backend}${threads !== undefined ? ` (WORKBENCH_WASM_THREADS=${threads})` : ''} ${res}px ngf ${ngf}: `);
          const r = runChild(root, backend, res, ngf, batch, steps, warmup, threads, args['stock-backprop-input']);
          r.threads = threads;
          if (r.status === 'failed' && /not installed|cannot start|did not initialise|failed to/.test(r.note ?? '')) {
            console.log(`unavailable (${r.note})`);
            unavailable.add(backend);
            results.push(r);
            continue;
          }
          console.log(
            r.status === 'ok'
              ? `${Math.round(r.msPerStep ?? 0)} ms/step (${Math.round(r.cpuMsPerStep ?? 0)} CPU ms), ${r.gflops?.toFixed(2)} GFLOP/s`
              : `${r.status}: ${r.note}`,
          );
          results.push(r);
        }
      }
    }
  }

  console.log(`\npix2pix step (U-Net G + 3-layer PatchGAN, batch ${batch}, Adam), median of ${steps} after ${warmup} warm-up`);
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores (wall times stretch under load; CPU ms do much less)`);
  console.log(formatBenchTable(results.filter((r) => !(r.status === 'failed' && unavailable.has(r.backend)))));
  for (const b of unavailable) console.log(`${b}: unavailable (${results.find((r) => r.backend === b)?.note})`);
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({ date: new Date().toISOString(), loadavg: loadavg(), steps, warmup, batch, results }, null, 2));
    console.log(`wrote ${args.json}`);
  }
  return 0;
}

function estimateFlops(res: number, ngf: number, batch: number): number {
  // Same formula as the step runner: 3 × (G + 3·D) forward conv FLOPs.
  const f = forwardFlops(res, ngf, batch);
  return 3 * (f.g + 3 * f.d);
}

function runChild(
  root: string,
  backend: string,
  res: number,
  ngf: number,
  batch: number,
  steps: number,
  warmup: number,
  threads: string | undefined,
  stockBackpropInput: boolean,
): BenchResult {
  const env = { ...process.env };
  if (threads !== undefined) env['WORKBENCH_WASM_THREADS'] = threads;
  const child = spawnSync(
    process.execPath,
    [
      resolve(root, 'bin/run-ts.js'),
      resolve(root, 'tools/bench/src/run-config.ts'),
      `--backend=${backend}`, `--res=${res}`, `--ngf=${ngf}`, `--batch=${batch}`, `--steps=${steps}`, `--warmup=${warmup}`,
      ...(stockBackpropInput ? ['--stock-backprop-input'] : []),
    ],
    { cwd: root, env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (line) return JSON.parse(line.slice('BENCH_RESULT '.length)) as BenchResult;
  const why = (child.stderr ?? '').split('\n').filter((l) => /error|abort|memory/i.test(l)).slice(0, 1)[0];
  return {
    backend, res, ngf, batch, status: 'failed', details: {},
    note: `process ended with ${child.signal ?? `code ${child.status}`}${why ? `: ${why.trim().slice(0, 160)}` : ''}`,
  };
}

process.exitCode = await main();
