// Child process of the benchmark: times one (backend, resolution, width) configuration and prints
// one `BENCH_RESULT {json}` line. A process per configuration keeps peak RSS per configuration
// (the wasm heap never shrinks) and survives a configuration that runs out of memory.
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { initBackend, parseBackendChoice, unregisterFastBackpropInput } from '@workbench/backend';
import { makeStepRunner } from './training-step.js';
import type { BenchResult } from './bench-result.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    res: { type: 'string' },
    ngf: { type: 'string' },
    batch: { type: 'string', default: '2' },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    'stock-backprop-input': { type: 'boolean', default: false },
  },
});

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const res = Number(values.res);
const ngf = Number(values.ngf);
const batch = Number(values.batch);
const steps = Number(values.steps);
const warmup = Number(values.warmup);
const base: BenchResult = { backend: String(values.backend), res, ngf, batch, status: 'ok', details: {} };

try {
  const info = await initBackend({ force: parseBackendChoice(values.backend) });
  base.details = info.details;
  if (values['stock-backprop-input'] && info.name === 'wasm') {
    unregisterFastBackpropInput();
    base.details = { ...info.details, 'Conv2DBackpropInput': 'stock tfjs kernel' };
  }
  const runner = makeStepRunner(res, ngf, batch);
  for (let i = 0; i < warmup; i++) runner.step();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let losses: [number, number] = [0, 0];
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    losses = runner.step();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
  const ms = median(times);
  const cpuMs = median(cpuTimes);
  Object.assign(base, {
    msPerStep: ms,
    stepsMs: times.map((t) => Math.round(t)),
    cpuMsPerStep: cpuMs,
    cpuGflops: runner.flopsPerStep / 1e9 / (cpuMs / 1000),
    gflopPerStep: runner.flopsPerStep / 1e9,
    gflops: runner.flopsPerStep / 1e9 / (ms / 1000),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    finiteLosses: losses.every(Number.isFinite),
    numTensors: tf.memory().numTensors,
  });
  runner.dispose();
} catch (err) {
  base.status = 'failed';
  base.note = (err as Error).message.split('\n')[0];
}
process.stdout.write(`BENCH_RESULT ${JSON.stringify(base)}\n`);
process.exit(0);
