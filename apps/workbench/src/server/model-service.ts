// The GeneratorService backed by a run's newest checkpoint: G and E rebuilt from the run's
// resolved config (`model.*`, `data.*`), weights loaded from `checkpoints/step-N/{G,E}.safetensors`,
// test inputs from the run's own dataset config (`createDataset(config.data, 'test')`). Loaded runs
// are cached (two at most; the oldest is disposed) and reloaded when a newer checkpoint appears.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { currentBackend, initBackend } from '@workbench/backend';
import { bytesToUnit, createDataset, unitToRgbBytes, type DataConfig, type PairedDataset } from '@workbench/data';
import { buildNetworks, EVAL, type Encoder, type Generator, type ModelOptions } from '@workbench/models';
import { readSafetensors } from '@workbench/torch-io';
import type { RunRow } from '@workbench/tracking';
import { latestCheckpoint } from '@workbench/training';
import type { ExplorerInfo, GeneratorService } from './generator-service.js';

const MAX_CACHED = 2;
const BATCH = 8;

interface Loaded {
  checkpointDir: string;
  step: number;
  G: Generator;
  E?: Encoder;
  nz: number;
  cropSize: number;
  outputNc: number;
  dataset: PairedDataset;
}

/** Copy a safetensors file's tensors into a network's variables (keys and shapes must match). */
function loadWeights(net: { params(): Map<string, tf.Variable>; buffers?(): Map<string, tf.Variable> }, file: string): void {
  const tensors = readSafetensors(file).tensors;
  const vars = new Map([...net.params(), ...(net.buffers?.() ?? new Map<string, tf.Variable>())]);
  for (const [key, v] of vars) {
    const t = tensors.get(key);
    if (!t) throw new Error(`${file} has no tensor '${key}': the checkpoint does not match the run's model config`);
    if (t.shape.join(',') !== v.shape.join(',')) throw new Error(`${file}: '${key}' is [${t.shape}], the model expects [${v.shape}]`);
    tf.tidy(() => v.assign(tf.tensor(t.data, t.shape, 'float32')));
  }
}

function modelOptions(config: Record<string, unknown>): ModelOptions {
  const model = (config.model ?? {}) as Partial<ModelOptions>;
  const data = (config.data ?? {}) as Partial<DataConfig>;
  return {
    ...(model as ModelOptions),
    cropSize: Number(data.crop_size),
    inputNc: Number(data.input_nc ?? 3),
    outputNc: Number(data.output_nc ?? 3),
  };
}

/** The run's data config; a relative `data.root` that does not exist from here is tried against
 *  the project folder the run was trained from (`<root>/runs/<id>` → `<root>`). */
function dataConfigFor(run: RunRow, runDir: string): Partial<DataConfig> {
  const data = { ...((run.config.data ?? {}) as Partial<DataConfig>) };
  if (data.root && !path.isAbsolute(data.root) && !existsSync(data.root)) {
    const fromProject = path.resolve(runDir, '..', '..', data.root);
    if (existsSync(fromProject)) data.root = fromProject;
  }
  return data;
}

async function toPng(data: Float32Array, h: number, w: number, c: number): Promise<Buffer> {
  return sharp(Buffer.from(unitToRgbBytes(data, c)), { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

export function createModelService(): GeneratorService {
  const cache = new Map<string, Promise<Loaded>>();
  let backendReady: Promise<unknown> | undefined;

  const evict = () => {
    while (cache.size > MAX_CACHED) {
      const [oldest, p] = cache.entries().next().value as [string, Promise<Loaded>];
      cache.delete(oldest);
      p.then((l) => {
        l.G.dispose();
        l.E?.dispose();
        l.dataset.dispose();
      }).catch(() => {});
    }
  };

  async function load(run: RunRow, runDir: string): Promise<Loaded> {
    const ckpt = latestCheckpoint(runDir);
    if (!ckpt) throw new Error(`no checkpoint yet in ${path.join(runDir, 'checkpoints')}: explore the run after its first checkpoint (train.checkpoint_every) or when it ends`);
    const key = `${run.id}\u0000${ckpt.dir}`;
    let p = cache.get(key);
    if (!p) {
      for (const k of cache.keys()) if (k.startsWith(`${run.id}\u0000`)) cache.delete(k);
      p = (async () => {
        backendReady ??= currentBackend() ? Promise.resolve() : initBackend();
        await backendReady;
        const opts = modelOptions(run.config);
        const hasE = existsSync(path.join(ckpt.dir, 'E.safetensors'));
        const nets = buildNetworks(opts, { withD2: false, withE: hasE });
        nets.D.dispose();
        try {
          loadWeights(nets.G, path.join(ckpt.dir, 'G.safetensors'));
          if (nets.E) loadWeights(nets.E, path.join(ckpt.dir, 'E.safetensors'));
          const dataset = await createDataset(dataConfigFor(run, runDir), 'test');
          return { checkpointDir: ckpt.dir, step: ckpt.step, G: nets.G, E: nets.E, nz: opts.nz, cropSize: opts.cropSize, outputNc: opts.outputNc, dataset };
        } catch (err) {
          nets.G.dispose();
          nets.E?.dispose();
          throw err;
        }
      })();
      cache.set(key, p);
      p.catch(() => cache.delete(key));
      evict();
    }
    return p;
  }

  return {
    async info(run, runDir): Promise<ExplorerInfo> {
      try {
        const l = await load(run, runDir);
        return { available: true, nz: l.nz, cropSize: l.cropSize, inputs: l.dataset.size, checkpointStep: l.step, backend: tf.getBackend(), encoder: !!l.E };
      } catch (err) {
        return { available: false, reason: (err as Error).message };
      }
    },

    async inputImage(run, runDir, index, side) {
      const l = await load(run, runDir);
      const s = await l.dataset.get(index);
      const c = side === 'A' ? l.dataset.inputNc : l.dataset.outputNc;
      return toPng(side === 'A' ? s.A : s.B, s.height, s.width, c);
    },

    async generate(run, runDir, index, zs) {
      const l = await load(run, runDir);
      const s = await l.dataset.get(index);
      const out: Buffer[] = [];
      for (let i = 0; i < zs.length; i += BATCH) {
        const chunk = zs.slice(i, i + BATCH);
        const images = tf.tidy(() => {
          const a = tf.tensor4d(s.A, [1, s.height, s.width, l.dataset.inputNc]).tile([chunk.length, 1, 1, 1]) as tf.Tensor4D; // [N,H,W,Cin]
          const z = tf.tensor2d(chunk, [chunk.length, l.nz]); // [N,nz]
          return l.G.apply(a, z, EVAL); // [N,H,W,Cout] in [-1,1]
        });
        const data = (await images.data()) as Float32Array;
        const [n, h, w, c] = images.shape;
        images.dispose();
        for (let k = 0; k < n; k++) out.push(await toPng(data.subarray(k * h * w * c, (k + 1) * h * w * c), h, w, c));
      }
      return out;
    },

    async encode(run, runDir, image) {
      const l = await load(run, runDir);
      if (!l.E) throw new Error('this run has no encoder checkpoint (E.safetensors)');
      const { data } = await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: image.channels as 3 } })
        .resize(l.cropSize, l.cropSize, { fit: 'fill' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const unit = bytesToUnit(new Uint8Array(data), 3, l.outputNc);
      const { mu, logvar } = tf.tidy(() => l.E!.apply(tf.tensor4d(unit, [1, l.cropSize, l.cropSize, l.outputNc]), EVAL)); // [1,nz] each
      const z = Array.from(await mu.data());
      const lv = Array.from(await logvar.data());
      mu.dispose();
      logvar.dispose();
      return { z, logvar: lv };
    },

    dispose() {
      for (const p of cache.values()) {
        p.then((l) => {
          l.G.dispose();
          l.E?.dispose();
          l.dataset.dispose();
        }).catch(() => {});
      }
      cache.clear();
    },
  };
}
