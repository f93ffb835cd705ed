// /api/explorer/:runId: the latent explorer. The server runs the run's generator on its backend.
import express, { type Router } from 'express';
import { Rng } from '@workbench/random';
import { latestCheckpoint, realRunFolder, TrackingInputError, type RunRow, type RunStatus } from '@workbench/tracking';
import { badRequest } from '../http-error.js';
import type { Encoded, ExplorerInfo, GeneratorService } from '../generator-service.js';
import { str } from '../query-params.js';
import type { ServerContext } from '../server-context.js';
import { decodeUpload, MAX_UPLOAD_BYTES } from '../upload.js';
import { getRunOr404 } from './runs-routes.js';

const MAX_Z = 64;

// The JSON bodies of these routes (the dashboard's JSDoc imports them through ui/api-payloads.d.ts).

/** A run of GET /api/explorer: one with a checkpoint. */
export interface ExplorableRun {
  id: string;
  name: string;
  method: string;
  seed: number | null;
  status: RunStatus;
  checkpointStep: number;
}

/** GET /api/explorer. */
export interface ExplorableRuns {
  runs: ExplorableRun[];
}

/** GET /api/explorer/:runId. */
export type ExplorerRunInfo = { runId: string } & ExplorerInfo;

/** POST /api/explorer/:runId/generate: a PNG data URL per z, and the z used (given or seeded). */
export interface Generated {
  images: string[];
  z: number[][];
}

/**
 * `n` latent vectors z ~ N(0, I) of length `nz` drawn from the project's seeded Rng, so the samples
 * a dashboard user sees are reproduced by the same `seed` (the explorer keeps it in its URL).
 */
function seededZ(seed: unknown, n: unknown, nz: number): number[][] {
  if (!Number.isSafeInteger(seed) || (seed as number) < 0) throw badRequest('seed must be a whole number >= 0');
  const count = Number(n ?? 1);
  if (!Number.isInteger(count) || count < 1 || count > MAX_Z) throw badRequest(`n must be a whole number in [1, ${MAX_Z}]`);
  const values = Rng.derive('explorer-z', seed as number).normals(count * nz);
  return Array.from({ length: count }, (_, i) => Array.from(values.subarray(i * nz, (i + 1) * nz)));
}

export const pngDataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

export function explorerRouter(ctx: ServerContext, service: GeneratorService): Router {
  const r = express.Router();
  const runAndDir = (id: string) => {
    const run = getRunOr404(ctx, id);
    return [run, realRunFolder(ctx.runsRoot, run.id)] as const;
  };
  const ready = async (id: string) => {
    const [run, dir] = runAndDir(id);
    const info = await service.info(run, dir);
    if (!info.available) throw badRequest(info.reason ?? 'this run cannot be explored');
    return { run, dir, info };
  };

  // A run whose folder is not served (invalid id, symlink out of the runs root) is not listed.
  const explorable = (run: RunRow) => {
    try {
      return latestCheckpoint(realRunFolder(ctx.runsRoot, run.id));
    } catch (err) {
      if (err instanceof TrackingInputError) return undefined;
      throw err;
    }
  };

  // Runs that can be explored: newest first, those with a checkpoint in their folder.
  r.get('/', (_req, res) => {
    const { runs } = ctx.store.listRuns({ status: ['finished', 'running', 'killed'], sort: 'createdAt', order: 'desc', limit: 500, includeConfig: false });
    const items = runs.flatMap((x): ExplorableRun[] => {
      const ckpt = explorable(x);
      return ckpt ? [{ id: x.id, name: x.name, method: x.method, seed: x.seed, status: x.status, checkpointStep: ckpt.step }] : [];
    });
    const body: ExplorableRuns = { runs: items };
    res.json(body);
  });

  r.get('/:runId', async (req, res) => {
    const [run, dir] = runAndDir(req.params.runId);
    const body: ExplorerRunInfo = { runId: run.id, ...(await service.info(run, dir)) };
    res.json(body);
  });

  r.get('/:runId/inputs/:index', async (req, res) => {
    const { run, dir, info } = await ready(req.params.runId);
    const index = Number(req.params.index);
    if (!Number.isInteger(index) || index < 0 || index >= (info.inputs ?? 0)) throw badRequest(`input index must be in [0, ${(info.inputs ?? 1) - 1}]`);
    const side = str(req.query, 'side') ?? 'A';
    if (side !== 'A' && side !== 'B') throw badRequest('side must be A or B');
    res.type('png').send(await service.inputImage(run, dir, index, side));
  });

  r.post('/:runId/generate', express.json({ limit: '256kb' }), async (req, res) => {
    const { run, dir, info } = await ready(req.params.runId);
    const body = req.body as { input?: unknown; z?: unknown; seed?: unknown; n?: unknown };
    const index = Number(body.input ?? 0);
    if (!Number.isInteger(index) || index < 0 || index >= (info.inputs ?? 0)) throw badRequest(`input must be an index in [0, ${(info.inputs ?? 1) - 1}]`);
    const zs = body.seed === undefined ? body.z : seededZ(body.seed, body.n, info.nz ?? 0);
    if (!Array.isArray(zs) || zs.length === 0 || zs.length > MAX_Z) throw badRequest(`z must be a list of 1..${MAX_Z} latent vectors`);
    for (const z of zs) {
      if (!Array.isArray(z) || z.length !== info.nz || !z.every((v) => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) < 1e3)) {
        throw badRequest(`each z must be ${info.nz} finite numbers`);
      }
    }
    const checked = zs as number[][]; // each z was checked above
    const pngs = await service.generate(run, dir, index, checked);
    const generated: Generated = { images: pngs.map(pngDataUrl), z: checked };
    res.json(generated);
  });

  r.post('/:runId/encode', express.raw({ type: ['image/png', 'image/jpeg', 'application/octet-stream'], limit: MAX_UPLOAD_BYTES }), async (req, res) => {
    const { run, dir, info } = await ready(req.params.runId);
    if (!info.encoder) throw badRequest('this run has no encoder checkpoint (E.safetensors): guide images need one');
    const image = await decodeUpload(req.body);
    const body: Encoded = await service.encode(run, dir, image);
    res.json(body);
  });

  return r;
}
