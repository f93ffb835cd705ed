// The JSON bodies of the ingest API, in one place for both ends: `workbench serve` sends them
// (apps/workbench/src/server/routes/ingest.ts) and the ingest client reads them.
//
//   POST /api/ingest            body: TrackingRecord[]  -> IngestAnswer
//   GET  /api/ingest/runs/:id   -> IngestedRun, or 404 RunNotIngested
import type { IngestResult, RunRow } from '@workbench/tracking';

/** POST /api/ingest: what the store applied, and how many records the batch held. */
export type IngestAnswer = IngestResult & { records: number };

/** GET /api/ingest/runs/:id: the stored run (its config, for `resume=<id>`). */
export interface IngestedRun {
  run: RunRow;
}

/** GET /api/ingest/runs/:id for an unknown run (404): the server's error, and `run: null`. */
export interface RunNotIngested {
  error: string;
  run: null;
}
