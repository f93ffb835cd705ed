// Shape checks for records arriving over HTTP or from a spool file. A malformed record is the
// sender's bug: it must fail as TrackingInputError (HTTP 400, never retried), not as a TypeError
// deep in the store (HTTP 500, retried forever).
import { TrackingInputError } from './errors.js';
import type { TrackingRecord } from './records.js';

type Check = [field: string, type: 'string' | 'number' | 'object' | 'array'];

const REQUIRED: Record<TrackingRecord['op'], Check[]> = {
  createRun: [['run', 'object'], ['run.id', 'string'], ['run.method', 'string'], ['run.config', 'object']],
  heartbeat: [['runId', 'string'], ['at', 'number']],
  finishRun: [['runId', 'string'], ['status', 'string'], ['at', 'number']],
  resumeRun: [['runId', 'string'], ['at', 'number']],
  metrics: [['runId', 'string'], ['points', 'array']],
  artifact: [['runId', 'string'], ['artifact', 'object'], ['artifact.kind', 'string'], ['artifact.path', 'string']],
  evalResult: [['runId', 'string'], ['result', 'object'], ['result.metric', 'string']],
  judgment: [['judgment', 'object'], ['judgment.runId', 'string'], ['judgment.realRef', 'string'], ['judgment.fakeRef', 'string'], ['judgment.chosen', 'string']],
  setTags: [['runId', 'string'], ['tags', 'array']],
  createSweep: [['sweep', 'object'], ['sweep.id', 'string']],
  updateSweep: [['sweepId', 'string'], ['status', 'string'], ['at', 'number']],
  addSweepJobs: [['sweepId', 'string'], ['jobs', 'array'], ['at', 'number']],
  updateSweepJob: [['sweepId', 'string'], ['jobId', 'string'], ['update', 'object']],
};

function typeOf(v: unknown): string {
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
}

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

export function assertRecord(rec: unknown, index?: number): asserts rec is TrackingRecord {
  const where = index === undefined ? 'record' : `record ${index}`;
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) throw new TrackingInputError(`${where} is not an object`);
  const op = (rec as { op?: unknown }).op;
  const checks = typeof op === 'string' ? REQUIRED[op as TrackingRecord['op']] : undefined;
  if (!checks) throw new TrackingInputError(`${where}: unknown tracking record op '${String(op)}' (known: ${Object.keys(REQUIRED).join(', ')})`);
  const key = (rec as { key?: unknown }).key;
  if (key !== undefined && key !== null && typeof key !== 'string') throw new TrackingInputError(`${where} (${op}): key must be a string`);
  for (const [field, type] of checks) {
    const actual = typeOf(get(rec, field));
    if (actual !== type) throw new TrackingInputError(`${where} (${op}): ${field} must be ${/^[ao]/.test(type) ? 'an' : 'a'} ${type}, got ${actual}`);
  }
}
