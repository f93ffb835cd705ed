// /api/ingest: the remote-tracking API (issue 8). Training jobs on other machines
// (`tracking.uri=http://<this server>`) POST batches of tracking records here; this server owns
// the SQLite file and applies each batch atomically with `store.ingest` (idempotency keys make a
// resent batch or a re-synced spool a no-op). Writing runs needs the server's token as
// `Authorization: Bearer`: a server started without `serve.token` refuses remote writes.
//
//   POST /api/ingest            body: TrackingRecord[]  -> { applied, duplicates, records }
//   GET  /api/ingest/runs/:id   -> { run }   (what `resume=<id>` needs: config and run folder)
import express, { type Router } from 'express';
import { TrackingInputError, type TrackingRecord } from '@workbench/tracking';
import { HttpError, badRequest } from '../http-error.js';
import { bearerToken, tokensEqual } from '../security.js';
import type { ServerContext } from '../server-context.js';

/** Large enough for a long spool replayed in one batch of metric records. */
const MAX_BODY = '32mb';

function requireBearer(token: string | undefined): express.RequestHandler {
  return (req, res, next) => {
    if (!token) {
      res.status(403).json({ error: 'this server accepts no remote runs: start it with serve.token=<secret> (or WORKBENCH_TOKEN) and give jobs the same token' });
      return;
    }
    const bearer = bearerToken(req);
    if (bearer !== undefined && tokensEqual(bearer, token)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="workbench"');
    res.status(401).json({ error: bearer === undefined ? 'remote tracking needs Authorization: Bearer <serve.token>' : 'wrong token' });
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

export function ingestRouter(ctx: ServerContext, token: string | undefined): Router {
  const r = express.Router();
  r.use(requireBearer(token));

  r.post('/', express.json({ limit: MAX_BODY }), (req, res) => {
    const records = req.body as unknown;
    if (!Array.isArray(records)) throw badRequest('the body must be a JSON array of tracking records');
    const bad = records.findIndex((x) => x === null || typeof x !== 'object' || typeof (x as { op?: unknown }).op !== 'string');
    if (bad !== -1) throw badRequest(`record ${bad} is not a tracking record (an object with "op")`);
    let result;
    try {
      result = ctx.store.ingest(records as TrackingRecord[]);
    } catch (err) {
      // A bad record: the whole batch was rolled back; resending it cannot help (client: 400).
      if (err instanceof TrackingInputError) throw badRequest(err.message);
      throw err; // anything else is a 500: the client retries
    }
    if (result.applied > 0) ctx.notifyChange(touchedRuns(records as TrackingRecord[]));
    res.json({ ...result, records: records.length });
  });

  r.get('/runs/:id', (req, res) => {
    const run = ctx.store.getRun(req.params.id);
    if (!run) {
      res.status(404).json({ error: `no run with id "${req.params.id}"`, run: null });
      return;
    }
    res.json({ run });
  });

  r.use((_req, _res, next) => next(new HttpError(404, 'no such remote-tracking route')));
  return r;
}
