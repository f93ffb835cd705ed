// /api/ingest: the remote-tracking API (issue 8). Training jobs on other machines
// (`tracking.uri=http://<this server>`) POST batches of tracking records here; this server owns
// the SQLite file and applies each batch atomically with `store.ingest` (idempotency keys make a
// resent batch or a re-synced spool a no-op). Writing runs needs the server's token as
// `Authorization: Bearer`: a server started without `serve.token` refuses remote writes.
//
// Every record is checked against the one record schema (`assertRecord`: 400 naming the record
// and field); the server never takes a filesystem path from a client (a run's folder is
// `<runs root>/<run id>`, the reported `runDir` is dropped), and a `judgment` record must carry
// the signature of a realism pair this server served (once: a second answer is a 409).
//
//   POST /api/ingest            body: TrackingRecord[]  -> { applied, duplicates, records }
//   GET  /api/ingest/runs/:id   -> { run }   (what `resume=<id>` needs: the config)
import express, { type Router } from 'express';
import type { IngestAnswer, IngestedRun, RunNotIngested } from '@workbench/remote-tracking';
import { assertRecord, assertValidId, type TrackingRecord } from '@workbench/tracking';
import { HttpError, badRequest, sendError } from '../http-error.js';
import { bearerToken, tokensEqual } from '../security.js';
import type { ServerContext } from '../server-context.js';

/** Large enough for a long spool replayed in one batch of metric records. */
const MAX_BODY = '32mb';

function requireBearer(token: string | undefined): express.RequestHandler {
  return (req, res, next) => {
    if (!token) {
      sendError(res, 403, 'this server accepts no remote runs: start it with serve.token=<secret> (or WORKBENCH_TOKEN) and give jobs the same token');
      return;
    }
    const bearer = bearerToken(req);
    if (bearer !== undefined && tokensEqual(bearer, token)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="workbench"');
    sendError(res, 401, bearer === undefined ? 'remote tracking needs Authorization: Bearer <serve.token>' : 'wrong token');
  };
}

/** The runs a batch touches (for the live feed); null when it changes sweeps or judgments. */
function touchedRuns(records: TrackingRecord[]): string[] | null {
  const ids = new Set<string>();
  for (const r of records) {
    if ('runId' in r && typeof r.runId === 'string') ids.add(r.runId);
    else if (r.op === 'createRun') ids.add(r.run.id);
    else return null;
  }
  return [...ids];
}

/** What the server decides for itself in a (schema-checked) record. */
function serverSide(ctx: ServerContext, rec: TrackingRecord): TrackingRecord {
  if (rec.op === 'createRun') return { ...rec, run: { ...rec.run, runDir: null } };
  if (rec.op === 'judgment') {
    const { sig, ...judgment } = rec.judgment as typeof rec.judgment & { sig?: string };
    return { ...rec, judgment: { ...judgment, key: ctx.pairs.judgmentKey(judgment.runId, judgment.realRef, judgment.fakeRef, sig) } };
  }
  return rec;
}

export function ingestRouter(ctx: ServerContext, token: string | undefined): Router {
  const r = express.Router();
  r.use(requireBearer(token));

  r.post('/', express.json({ limit: MAX_BODY }), (req, res) => {
    const body = req.body as unknown;
    if (!Array.isArray(body)) throw badRequest('the body must be a JSON array of tracking records');
    body.forEach((rec, i) => assertRecord(rec, i));
    const records = (body as TrackingRecord[]).map((rec) => serverSide(ctx, rec));
    // A bad record rolls the whole batch back and is a 400 (409 for a second answer to a pair):
    // resending cannot help. Anything else is a 500, which the client retries.
    const result = ctx.store.ingest(records);
    if (result.applied > 0) ctx.notifyChange(touchedRuns(records));
    const answer: IngestAnswer = { ...result, records: records.length };
    res.json(answer);
  });

  r.get('/runs/:id', (req, res) => {
    const run = ctx.store.getRun(assertValidId(req.params.id, 'run'));
    if (!run) {
      const body: RunNotIngested = { error: `no run with id "${req.params.id}"`, run: null };
      res.status(404).json(body);
      return;
    }
    const body: IngestedRun = { run };
    res.json(body);
  });

  r.use((_req, _res, next) => next(new HttpError(404, 'no such remote-tracking route')));
  return r;
}
