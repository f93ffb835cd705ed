// How much memory one training step needs, estimated from the configuration alone (parameter
// counts are analytic, nothing is allocated), so that a configuration that cannot fit the wasm
// backend's 4 GiB heap is refused before the run starts instead of dying mid-step.
//
// The terms (float32, 4 bytes each), calibrated against the heap high-water marks that
// tools/bench/src/step-profile.ts measured (libs/backend/README.md, "Memory of one step"):
//   parameters + Adam's two moments             3 · P
//   XNNPACK's packed copies of conv weights      1 · P
//   G/E gradients (first branch's tape kept while the second's is summed in)   2 · (P_G + P_E)
//   one branch's saved activations and backward temporaries, per sample and pixel:
//     ACT_G·ngf + ACT_D·ndf·(number of D) + ACT_E·nef floats
// plus a fragmentation allowance on the whole.
import { WASM_HEAP_LIMIT_BYTES } from '@workbench/backend';
import type { ResolvedConfig } from '@workbench/config';
import { countParameters, modelOptionsFromConfig } from '@workbench/models';
import { methodSpec, splitsBatch } from './methods.js';

const F32 = 4;
/** Floats per sample, pixel and unit of width kept alive by one branch's tape (fitted, see above). */
const ACT_G = 34;
const ACT_D = 6;
const ACT_E = 6;
/** dlmalloc fragmentation and small allocations on top of the live bytes. */
const FRAGMENTATION = 1.15;

export interface StepMemoryEstimate {
  /** Estimated heap high-water mark of one step (bytes). */
  totalBytes: number;
  parts: { parametersAndAdam: number; packedWeights: number; gradients: number; activations: number };
}

/** One line naming what decides the step's memory: method, size, widths, batch, encoder, z injection. */
export function describeStepConfig(config: ResolvedConfig): string {
  const m = config.model;
  return `method=${config.method}, ${config.data.crop_size} px, ngf/ndf/nef ${m.ngf}/${m.ndf}/${m.nef}, batch ${config.train.batch_size}, encoder ${m.encoder}, where_add ${m.where_add}, nz ${m.nz}`;
}

export function estimateStepMemory(config: ResolvedConfig): StepMemoryEstimate {
  const spec = methodSpec(config.method);
  const counts = countParameters(modelOptionsFromConfig({ model: config.model, data: config.data }));
  const built = (n: 'G' | 'E' | 'D' | 'D2'): number => (spec.networks.includes(n) ? counts[n] : 0);
  const P = built('G') + built('E') + built('D') + built('D2');
  const perBranch = splitsBatch(spec) ? config.train.batch_size / 2 : config.train.batch_size;
  const pixels = config.data.crop_size ** 2;
  const numD = (spec.networks.includes('D2') ? 2 : 1) * config.model.num_Ds;
  const m = config.model;
  const parts = {
    parametersAndAdam: F32 * 3 * P,
    packedWeights: F32 * P,
    gradients: F32 * 2 * (built('G') + built('E')),
    activations: F32 * perBranch * pixels * (ACT_G * m.ngf + ACT_D * m.ndf * numD + ACT_E * m.nef),
  };
  const live = parts.parametersAndAdam + parts.packedWeights + parts.gradients + parts.activations;
  return { totalBytes: Math.round(live * FRAGMENTATION), parts };
}

const GiB = 1024 ** 3;

/**
 * The one-line reason a configuration cannot train on wasm, or undefined when its estimate fits
 * the 4 GiB heap. Only the wasm backend has this limit.
 */
export function wasmMemoryRefusal(config: ResolvedConfig, limitBytes = WASM_HEAP_LIMIT_BYTES): string | undefined {
  const est = estimateStepMemory(config);
  if (est.totalBytes <= limitBytes) return undefined;
  const p = est.parts;
  return (
    `this configuration (${describeStepConfig(config)}) needs about ${(est.totalBytes / GiB).toFixed(2)} GiB per training step ` +
    `(parameters + Adam ${(p.parametersAndAdam / GiB).toFixed(2)}, packed conv weights ${(p.packedWeights / GiB).toFixed(2)}, gradients ${(p.gradients / GiB).toFixed(2)}, activations ${(p.activations / GiB).toFixed(2)} GiB), ` +
    `more than the wasm backend's ${(limitBytes / GiB).toFixed(0)} GiB heap: use a smaller train.batch_size, data.crop_size or model width (model.ngf/ndf/nef), backend=cpu (no 4 GiB limit, much slower), or a machine with a GPU (backend=node-gpu)`
  );
}
