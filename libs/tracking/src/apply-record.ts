// One record -> one store write. The server's ingest endpoint and spool sync go through here
// (via store.ingest), so every op is validated first and then hits the same method a local
// writer would call.
import { TrackingInputError } from './errors.js';
import { assertRecord } from './record-validation.js';
import type { TrackingRecord } from './records.js';
import type { TrackingStore } from './tracking-store.js';

/** Apply one write expressed as a record (see records.ts). */
export function applyRecord(store: TrackingStore, rec: TrackingRecord): void {
  assertRecord(rec);
  // Every op naming a run needs it to exist, even one that writes nothing (metrics with no points).
  if ('runId' in rec && !store.hasRun(rec.runId)) {
    throw new TrackingInputError(`unknown run ${rec.runId}: create it (createRun) before its ${rec.op} records`);
  }
  switch (rec.op) {
    case 'createRun':
      store.createRun(rec.run);
      return;
    case 'heartbeat':
      store.heartbeat(rec.runId, rec.at);
      return;
    case 'finishRun':
      store.finishRun(rec.runId, rec.status, rec.reason, rec.at);
      return;
    case 'resumeRun':
      store.resumeRun(rec.runId, { at: rec.at, pid: rec.pid, host: rec.host, force: true });
      return;
    case 'metrics':
      store.logMetrics(rec.runId, rec.points);
      return;
    case 'artifact':
      store.addArtifact(rec.runId, rec.artifact);
      return;
    case 'evalResult':
      store.upsertEvalResult(rec.runId, rec.result);
      return;
    case 'judgment': {
      const { sig: _sig, ...judgment } = rec.judgment as typeof rec.judgment & { sig?: string };
      store.addJudgment(judgment);
      return;
    }
    case 'setTags':
      store.setTags(rec.runId, rec.tags);
      return;
    case 'createSweep':
      store.createSweep(rec.sweep);
      return;
    case 'updateSweep':
      store.updateSweep(rec.sweepId, { status: rec.status, at: rec.at });
      return;
    case 'addSweepJobs':
      store.addSweepJobs(rec.sweepId, rec.jobs, rec.at);
      return;
    case 'updateSweepJob':
      store.updateSweepJob(rec.sweepId, rec.jobId, rec.update);
      return;
    default:
      throw new TrackingInputError(`unknown tracking record op '${String((rec as { op?: unknown }).op)}'`);
  }
}
