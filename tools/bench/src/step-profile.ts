// `node bin/run-ts.js tools/bench/src/step-profile.ts [--steps 3] [--kernels] [config overrides...]`
// e.g. `... step-profile.ts --steps 3 --kernels scale=full data.root=/tmp/aligned`
//
// Profiles the real training step (bicycleStep, the configured method) on random data of the
// configured size: per phase of each step its wall time, the wasm heap's tensor high-water mark
// and the linear memory's size; with --kernels, one step under tf.profile: kernels dispatched,
// time per kernel type, and the part of the step spent outside kernels (dispatch, JS, syncs).
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { initBackend, parseBackendChoice, resetWasmHeapPeak, wasmHeapStats } from '@workbench/backend';
import { composeConfig } from '@workbench/config';
import { kernelMacs } from './kernel-macs.js';
import { makeRandomStep } from './random-step.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { steps: { type: 'string', default: '3' }, kernels: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
});
const MiB = 1024 ** 2;
const fmtMiB = (b: number): string => `${Math.round(b / MiB)}`;

const config = composeConfig({ overrides: positionals }).config;
const info = await initBackend({ force: parseBackendChoice(config.backend) });
const step = makeRandomStep(config, 'profile');
console.log(`${info.name}: ${step.label}`);
const h0 = wasmHeapStats();
if (h0) console.log(`after building networks + Adam state: tensors ${fmtMiB(h0.liveBytes)} MiB, heap ${fmtMiB(h0.heapBytes)} MiB`);

interface PhaseRow { phase: string; ms: number; peakMiB: number; liveMiB: number; heapMiB: number }
const runStep = (s: number, rows?: PhaseRow[]): number => {
  let t = performance.now();
  resetWasmHeapPeak();
  const t0 = t;
  step.run(s, {
    phase: (name) => {
      const h = wasmHeapStats();
      const now = performance.now();
      rows?.push({ phase: name, ms: now - t, peakMiB: h ? h.peakLiveBytes / MiB : NaN, liveMiB: h ? h.liveBytes / MiB : NaN, heapMiB: h ? h.heapBytes / MiB : NaN });
      resetWasmHeapPeak();
      t = performance.now();
    },
  });
  return performance.now() - t0;
};

const steps = Number(values.steps);
let stepGmac: number | undefined;
const stepSeconds: number[] = [];
for (let s = 0; s < steps; s++) {
  const rows: PhaseRow[] = [];
  const ms = runStep(s, rows);
  stepSeconds.push(ms / 1000);
  console.log(`\nstep ${s + 1}: ${(ms / 1000).toFixed(2)} s, rss ${fmtMiB(process.memoryUsage().rss)} MiB`);
  console.log('| phase | ms | tensor high-water MiB | live after MiB | wasm heap MiB |\n|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.phase} | ${Math.round(r.ms)} | ${Math.round(r.peakMiB)} | ${Math.round(r.liveMiB)} | ${Math.round(r.heapMiB)} |`);
}

if (values.kernels) {
  let wall = 0;
  const prof = await tf.profile(() => {
    wall = runStep(steps);
  });
  const byKernel = new Map<string, { n: number; ms: number; macs: number }>();
  for (const k of prof.kernels) {
    const e = byKernel.get(k.name) ?? { n: 0, ms: 0, macs: 0 };
    e.n += 1;
    e.ms += k.kernelTimeMs as number;
    e.macs += kernelMacs(k.name, k.inputShapes as number[][], k.outputShapes as number[][]);
    byKernel.set(k.name, e);
  }
  const inKernels = [...byKernel.values()].reduce((a, e) => a + e.ms, 0);
  console.log(`\nkernel profile of one step (under tf.profile): ${prof.kernels.length} kernels, ${(wall / 1000).toFixed(2)} s wall, ${(inKernels / 1000).toFixed(2)} s inside kernels, ${((wall - inKernels) / 1000).toFixed(2)} s outside (dispatch, JS, syncs)`);
  console.log('| kernel | calls | ms | share | GMAC | GMAC/s |\n|---|---|---|---|---|---|');
  for (const [name, e] of [...byKernel].sort((p, q) => q[1].ms - p[1].ms)) {
    const gmac = e.macs > 0 ? `${(e.macs / 1e9).toFixed(2)} | ${(e.macs / 1e6 / e.ms).toFixed(1)}` : ' | ';
    console.log(`| ${name} | ${e.n} | ${Math.round(e.ms)} | ${((100 * e.ms) / inKernels).toFixed(1)} % | ${gmac} |`);
  }
  const macs = [...byKernel.values()].reduce((a, e) => a + e.macs, 0);
  console.log(`\nmultiply-adds in one step (convs and matmuls, counted from the kernels' shapes): ${(macs / 1e9).toFixed(2)} GMAC`);
  stepGmac = macs / 1e9;
}
if (values.json) {
  // one machine-readable line for the side-by-side benchmark (side-by-side.ts)
  const heap = wasmHeapStats();
  console.log(`STEP_PROFILE ${JSON.stringify({ stepSeconds, stepGmac, peakRssMB: process.resourceUsage().maxRSS / 1024, ...(heap && { heapMiB: heap.heapBytes / MiB }) })}`);
}
console.log(`\npeak RSS ${fmtMiB(process.resourceUsage().maxRSS * 1024)} MiB; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
