// The GeneratorService backed by a run's newest checkpoint: G and E rebuilt from the run's resolved
// config and loaded from its newest complete checkpoint (`latestCheckpoint`, the tracking run
// layout) by `@workbench/metrics`' `loadRunModel` (the same loader `workbench eval` uses), test inputs from the run's own dataset
// config (`createDataset(config.data, 'test')`). Loaded runs are cached (two at most; the oldest is
// disposed) and reloaded when a newer checkpoint appears.
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { currentBackend, initBackend } from '@workbench/backend';
import { bytesToUnit, createDataset, unitToRgbBytes, type DataConfig, type PairedDataset } from '@workbench/data';
import { loadRunModel, type LoadedRunModel } from '@workbench/metrics';
import type { ResolvedConfig } from '@workbench/config';
import { EVAL, modelOptionsFromConfig } from '@workbench/models';
import { latestCheckpoint, RUN_FILES, storedConfigOf, type RunRow } from '@workbench/tracking';
import type { ExplorerInfo, GeneratorService } from './generator-service.js';

const MAX_CACHED = 2;
const BATCH = 8;

interface Loaded {
  model: LoadedRunModel;
  nz: number;
  cropSize: number;
  outputNc: number;
  dataset: PairedDataset;
}

/** The run's data config. `data.root` is stored as the run was given it (a typed path, relative to
 *  the folder training ran in); a relative one that does not exist from here is tried against the
 *  project folder, where the workbench's commands usually run. */
function dataConfigFor(config: ResolvedConfig, projectDir: string): DataConfig {
  const data = { ...config.data };
  if (data.root && !path.isAbsolute(data.root) && !existsSync(data.root)) {
    const fromProject = path.resolve(projectDir, data.root);
    if (existsSync(fromProject)) data.root = fromProject;
  }
  return data;
}

async function toPng(data: Float32Array, h: number, w: number, c: number): Promise<Buffer> {
  return sharp(Buffer.from(unitToRgbBytes(data, c)), { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

function release(l: Loaded): void {
  l.model.dispose();
  l.dataset.dispose();
}

export interface ModelServiceOptions {
  /** The project folder (see dataConfigFor). */
  projectDir: string;
}

export function createModelService(service: ModelServiceOptions): GeneratorService {
  const cache = new Map<string, Promise<Loaded>>();
  let backendReady: Promise<unknown> | undefined;

  const evict = () => {
    while (cache.size > MAX_CACHED) {
      const [oldest, p] = cache.entries().next().value as [string, Promise<Loaded>];
      cache.delete(oldest);
      p.then(release).catch(() => {});
    }
  };

  async function load(run: RunRow, runDir: string): Promise<Loaded> {
    const ckpt = latestCheckpoint(runDir);
    if (!ckpt) throw new Error(`no checkpoint yet in ${path.join(runDir, RUN_FILES.checkpoints)}: explore the run after its first checkpoint (train.checkpoint_every) or when it ends`);
    const key = `${run.id}\u0000${ckpt.dir}`;
    let p = cache.get(key);
    if (!p) {
      for (const k of cache.keys()) if (k.startsWith(`${run.id}\u0000`)) cache.delete(k);
      p = (async () => {
        backendReady ??= currentBackend() ? Promise.resolve() : initBackend();
        await backendReady;
        const config = storedConfigOf(run); // migrated and checked against the schema
        const opts = modelOptionsFromConfig(config);
        // G and, when the checkpoint has one, E (encode); D and D2 are not needed here.
        const model = loadRunModel(config, ckpt);
        try {
          const dataset = await createDataset(dataConfigFor(config, service.projectDir), 'test');
          return { model, nz: opts.nz, cropSize: opts.cropSize, outputNc: opts.outputNc, dataset };
        } catch (err) {
          model.dispose();
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
        return { available: true, nz: l.nz, cropSize: l.cropSize, inputs: l.dataset.size, checkpointStep: l.model.step, backend: tf.getBackend(), encoder: !!l.model.E };
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
          return l.model.G.apply(a, z, EVAL); // [N,H,W,Cout] in [-1,1]
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
      const E = l.model.E;
      if (!E) throw new Error('this run has no encoder checkpoint (E.safetensors)');
      const { data } = await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: image.channels as 3 } })
        .resize(l.cropSize, l.cropSize, { fit: 'fill' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const unit = bytesToUnit(new Uint8Array(data), 3, l.outputNc);
      const { mu, logvar } = tf.tidy(() => E.apply(tf.tensor4d(unit, [1, l.cropSize, l.cropSize, l.outputNc]), EVAL)); // [1,nz] each
      const z = Array.from(await mu.data());
      const lv = Array.from(await logvar.data());
      mu.dispose();
      logvar.dispose();
      return { z, logvar: lv };
    },

    dispose() {
      for (const p of cache.values()) {
        p.then(release).catch(() => {});
      }
      cache.clear();
    },
  };
}
