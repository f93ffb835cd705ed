// /api/realism: the paper's AMT-style study. A pair is a ground-truth test image B and G(A, z) for
// the same input A with a random z; the browser flashes them for 1 s and posts which one the
// participant took for real. Fooling rate = fraction of answers that picked the fake.
import express, { type Router } from 'express';
import { randomInt } from 'node:crypto';
import { realRunFolder, TrackingConflictError, type FoolingRate, type JudgmentInput, type RunRow } from '@workbench/tracking';
import { badRequest, conflict } from '../http-error.js';
import type { GeneratorService } from '../generator-service.js';
import { idList } from '../query-params.js';
import { finiteOrNull, type FiniteOrNull } from '../run-views.js';
import type { ServerContext } from '../server-context.js';
import { getRunOr404 } from './runs-routes.js';
import { pngDataUrl } from './explorer-routes.js';

// The JSON bodies of these routes (the dashboard's JSDoc imports them through ui/api-payloads.d.ts).

/** A run as the realism study names it. */
export type RunName = Pick<RunRow, 'id' | 'name' | 'method' | 'seed'>;

export const runName = (x: RunRow): RunName => ({ id: x.id, name: x.name, method: x.method, seed: x.seed });

/** GET /api/realism/summary. */
export interface RealismSummary {
  rates: FiniteOrNull<FoolingRate, 'rate'>[];
  runs: RunName[];
}

/** An image of a pair: its reference (what it is) and its PNG data URL. */
export interface PairImage {
  ref: string;
  url: string;
}

/** GET /api/realism/:runId/pair: a real and a generated image and the pair's signature. */
export interface RealismPair {
  runId: string;
  real: PairImage;
  fake: PairImage;
  sig: string;
}

/** POST /api/realism/judgments (201): the answer's id and the run's fooling rate with it. */
export interface JudgmentSaved {
  id: number;
  foolingRate: FiniteOrNull<FoolingRate, 'rate'>;
}

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
  const { store, pairs } = ctx;

  r.get('/summary', (req, res) => {
    const ids = idList(req.query, 'ids', 'run');
    const rates = store.foolingRates(ids).map((f) => ({ ...f, rate: finiteOrNull(f.rate) }));
    const { runs } = rates.length ? store.listRuns({ ids: rates.map((f) => f.runId), includeConfig: false }) : { runs: [] };
    const body: RealismSummary = { rates, runs: runs.map(runName) };
    res.json(body);
  });

  r.get('/:runId/pair', async (req, res) => {
    const run = getRunOr404(ctx, req.params.runId);
    const dir = realRunFolder(ctx.runsRoot, run.id);
    const info = await service.info(run, dir);
    if (!info.available) throw badRequest(info.reason ?? 'this run cannot generate images');
    const index = randomInt(0, info.inputs!);
    const z = gaussian(info.nz!);
    const [real, [fake]] = await Promise.all([service.inputImage(run, dir, index, 'B'), service.generate(run, dir, index, [z])]);
    if (!fake) throw new Error(`run ${run.id}: the generator returned no image for one z`);
    const realRef = `test:${index}:B`;
    const fakeRef = `G@${info.checkpointStep}:test:${index}:z=${z.map((v) => v.toFixed(4)).join(',')}`;
    const body: RealismPair = { runId: run.id, real: { ref: realRef, url: pngDataUrl(real) }, fake: { ref: fakeRef, url: pngDataUrl(fake) }, sig: pairs.sign(run.id, realRef, fakeRef) };
    res.json(body);
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
    // The pair's signature is the answer's key: one answer per served pair (`key` is not needed).
    const pairKey = pairs.judgmentKey(runId, realRef, fakeRef, b.sig);
    optStr(b.key, 'key');
    if (b.realSide !== undefined && b.realSide !== null && b.realSide !== 'left' && b.realSide !== 'right') throw badRequest('realSide must be left or right');
    const judgment: JudgmentInput = {
      runId,
      realRef,
      fakeRef,
      chosen: b.chosen,
      shownMs: optNum(b.shownMs, 'shownMs'),
      responseMs: optNum(b.responseMs, 'responseMs'),
      realSide: (b.realSide as 'left' | 'right' | null | undefined) ?? null,
      participant: optStr(b.participant, 'participant'),
      session: optStr(b.session, 'session'),
      key: pairKey,
      practice: b.practice === true, // warm-up trial: stored, never counted
    };
    let id: number;
    try {
      id = store.addJudgment(judgment);
    } catch (err) {
      if (err instanceof TrackingConflictError) throw conflict('this pair was already answered: each served pair takes one answer (fetch a new pair)');
      throw err;
    }
    ctx.notifyChange([runId]);
    const fr = store.foolingRate(runId);
    const body: JudgmentSaved = { id, foolingRate: { ...fr, rate: finiteOrNull(fr.rate) } };
    res.status(201).json(body);
  });

  return r;
}
