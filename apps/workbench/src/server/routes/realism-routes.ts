// /api/realism: the paper's AMT-style study. A pair is a ground-truth test image B and G(A, z) for
// the same input A with a random z; the browser flashes them for 1 s and posts which one the
// participant took for real. Fooling rate = fraction of answers that picked the fake.
import express, { type Router } from 'express';
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { badRequest } from '../http-error.js';
import type { GeneratorService } from '../generator-service.js';
import { list } from '../query-params.js';
import { runFolder } from '../run-folder.js';
import { finiteOrNull } from '../run-views.js';
import type { ServerContext } from '../server-context.js';
import { getRunOr404 } from './runs-routes.js';
import { pngDataUrl } from './explorer-routes.js';

function gaussian(n: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const u = (randomInt(1, 2 ** 31) / 2 ** 31);
    const v = randomInt(0, 2 ** 31) / 2 ** 31;
    out.push(Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
  return out;
}

const optNum = (v: unknown, name: string): number | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 3_600_000) throw badRequest(`${name} must be a number of milliseconds`);
  return Math.round(v);
};
const optStr = (v: unknown, name: string, max = 200): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || v.length > max) throw badRequest(`${name} must be a string of at most ${max} characters`);
  return v;
};

export function realismRouter(ctx: ServerContext, service: GeneratorService): Router {
  const r = express.Router();
  const { store } = ctx;
  // Pairs are signed when served, and only signed pairs can be judged: answers are about images
  // this server really showed (the key lives as long as the server process).
  const key = randomBytes(32);
  const sign = (runId: string, realRef: string, fakeRef: string) => createHmac('sha256', key).update(`${runId}\u0000${realRef}\u0000${fakeRef}`).digest('base64url');

  r.get('/summary', (req, res) => {
    const ids = list(req.query, 'ids');
    const rates = store.foolingRates(ids).map((f) => ({ ...f, rate: finiteOrNull(f.rate) }));
    const { runs } = rates.length ? store.listRuns({ ids: rates.map((f) => f.runId), includeConfig: false }) : { runs: [] };
    res.json({ rates, runs: runs.map((x) => ({ id: x.id, name: x.name, method: x.method, seed: x.seed })) });
  });

  r.get('/:runId/pair', async (req, res) => {
    const run = getRunOr404(ctx, req.params.runId);
    const dir = runFolder(run, ctx.folders);
    const info = await service.info(run, dir);
    if (!info.available) throw badRequest(info.reason ?? 'this run cannot generate images');
    const index = randomInt(0, info.inputs!);
    const z = gaussian(info.nz!);
    const [real, [fake]] = await Promise.all([service.inputImage(run, dir, index, 'B'), service.generate(run, dir, index, [z])]);
    const realRef = `test:${index}:B`;
    const fakeRef = `G@${info.checkpointStep}:test:${index}:z=${z.map((v) => v.toFixed(4)).join(',')}`;
    res.json({ runId: run.id, real: { ref: realRef, url: pngDataUrl(real) }, fake: { ref: fakeRef, url: pngDataUrl(fake) }, sig: sign(run.id, realRef, fakeRef) });
  });

  r.post('/judgments', express.json({ limit: '16kb' }), (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const runId = optStr(b.runId, 'runId');
    if (!runId) throw badRequest('runId is required');
    getRunOr404(ctx, runId);
    if (b.chosen !== 'real' && b.chosen !== 'fake') throw badRequest('chosen must be "real" or "fake" (what the participant took for the real image)');
    const realRef = optStr(b.realRef, 'realRef', 2000);
    const fakeRef = optStr(b.fakeRef, 'fakeRef', 2000);
    if (!realRef || !fakeRef) throw badRequest('realRef and fakeRef are required (from the pair)');
    if (typeof b.sig !== 'string' || b.sig !== sign(runId, realRef, fakeRef)) throw badRequest('unknown pair: judge a pair served by GET /api/realism/<run>/pair (with its sig) on this server');
    if (b.realSide !== undefined && b.realSide !== null && b.realSide !== 'left' && b.realSide !== 'right') throw badRequest('realSide must be left or right');
    const id = store.addJudgment({
      runId,
      realRef,
      fakeRef,
      chosen: b.chosen,
      shownMs: optNum(b.shownMs, 'shownMs'),
      responseMs: optNum(b.responseMs, 'responseMs'),
      realSide: (b.realSide as 'left' | 'right' | null | undefined) ?? null,
      participant: optStr(b.participant, 'participant'),
      session: optStr(b.session, 'session'),
      key: optStr(b.key, 'key'),
      practice: b.practice === true, // warm-up trial: stored, never counted
    });
    ctx.notifyChange([runId]);
    const fr = store.foolingRate(runId);
    res.status(201).json({ id, foolingRate: { ...fr, rate: finiteOrNull(fr.rate) } });
  });

  return r;
}
