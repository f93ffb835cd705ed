// `node bin/run-ts.js tools/bench/src/conv-routes.ts [--steps 1] [config overrides...]`
// e.g. `... conv-routes.ts scale=full` (256 px, widths 64, batch 2)
//
// Times every conv of the real training step on each route the native path has (libs/backend
// native-conv-kernels.ts: 'conv' = an ORT Conv/ConvTranspose graph, 'gemm' = im2col here + one ORT
// Gemm, 'wasm' = XNNPACK / our wasm kernels), one profiled step per route after a warm-up step (which
// compiles the ORT sessions), and prints per conv shape the time on each route, under the rule
// (`nativeRoute`'s choice) and which route was fastest. The rule's total against the
// fastest-per-shape total says what a better rule would gain. (Where the GEMM cannot take a call,
// dilated or an im2col beyond its bound, the 'gemm' column is the rule's route.) Needs onnxruntime-node; run with the malloc settings of
// `npx workbench` (MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_, see malloc-env.ts).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { forceNativeConvRoute, initBackend, setNativeConvs, type ConvRoute } from '@workbench/backend';
import { composeConfig } from '@workbench/config';
import { kernelMacs } from './kernel-macs.js';
import { makeRandomStep } from './random-step.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { steps: { type: 'string', default: '1' } } });
const config = composeConfig({ overrides: positionals }).config;
const info = await initBackend({ force: 'wasm' });
const status = setNativeConvs(true);
if (!status.on) throw new Error(`conv-routes needs the native convs: ${status.detail}`);
const randomStep = makeRandomStep(config, 'conv-routes');
const CONV_KERNELS = new Set(['Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']);
console.log(`${info.name} + ${status.detail}: ${randomStep.label}`);

let step = 0;
const runStep = (): void => randomStep.run(step++);

interface ShapeRow { kernel: string; shapes: string; calls: number; macs: number; ms: Partial<Record<ConvRoute | 'rule', number>> }
const rows = new Map<string, ShapeRow>();
const steps = Number(values.steps);
// the rule last: the first profiled step of a process runs slower (the wasm heap is still growing)
for (const route of ['conv', 'gemm', 'wasm', 'rule'] as const) {
  forceNativeConvRoute(route === 'rule' ? undefined : route);
  runStep(); // compiles this route's ORT sessions
  for (let s = 0; s < steps; s++) {
    const prof = await tf.profile(runStep);
    for (const k of prof.kernels) {
      if (!CONV_KERNELS.has(k.name)) continue;
      const ins = k.inputShapes as number[][];
      const shapes = `${ins.filter((x) => x && x.length === 4).map((x) => x.join('×')).join(', ')} → ${(k.outputShapes[0] as number[]).join('×')}`;
      const key = `${k.name}|${shapes}`;
      const row = rows.get(key) ?? { kernel: k.name, shapes, calls: 0, macs: 0, ms: {} };
      if (route === 'rule') {
        row.calls += 1 / steps;
        row.macs += kernelMacs(k.name, ins, k.outputShapes as number[][]) / steps;
      }
      row.ms[route] = (row.ms[route] ?? 0) + (k.kernelTimeMs as number) / steps;
      rows.set(key, row);
    }
  }
}
forceNativeConvRoute(undefined);

const fmt = (ms: number | undefined): string => (ms === undefined ? '' : ms.toFixed(1));
const sorted = [...rows.values()].sort((p, q) => (q.ms.rule ?? 0) - (p.ms.rule ?? 0));
const totals = { rule: 0, conv: 0, gemm: 0, wasm: 0, best: 0 };
console.log('\n| kernel | shapes | calls | GMAC | rule ms | conv ms | gemm ms | wasm ms | fastest |\n|---|---|---|---|---|---|---|---|---|');
for (const r of sorted) {
  const routes = (['conv', 'gemm', 'wasm'] as const).filter((x) => r.ms[x] !== undefined);
  const best = routes.reduce((a, x) => (r.ms[x]! < r.ms[a]! ? x : a), routes[0]!);
  for (const x of ['rule', 'conv', 'gemm', 'wasm'] as const) totals[x] += r.ms[x] ?? 0;
  totals.best += r.ms[best]!;
  console.log(`| ${r.kernel} | ${r.shapes} | ${Math.round(r.calls)} | ${(r.macs / 1e9).toFixed(2)} | ${fmt(r.ms.rule)} | ${fmt(r.ms.conv)} | ${fmt(r.ms.gemm)} | ${fmt(r.ms.wasm)} | ${best} |`);
}
console.log(`\nconvs per step: rule ${fmt(totals.rule)} ms, all conv ${fmt(totals.conv)}, all gemm ${fmt(totals.gemm)}, all wasm ${fmt(totals.wasm)}, fastest per shape ${fmt(totals.best)}`);
