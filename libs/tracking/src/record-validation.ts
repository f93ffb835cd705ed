// The one schema of tracking records arriving over HTTP or from a spool file. Every field of every
// op is checked (type, integer-ness, enums, run/sweep id pattern, reserved key names at any depth
// of JSON objects), unknown fields are refused, and the first problem is reported with its path
// (`record 3 (metrics): points[2].step must be an integer`). A malformed record is the sender's
// bug: it must fail as TrackingInputError (HTTP 400, never retried), not as a TypeError deep in
// the store (HTTP 500, retried forever), and never be stored half-understood.
import { TrackingInputError } from './errors.js';
import type { TrackingRecord } from './records.js';
import { assertValidId } from './run/layout.js';
import { EXIT_STATUSES, JOB_STATUSES, SWEEP_STATUSES } from './run/status.js';
import { RESERVED_KEYS } from './safe-keys.js';
import { fromWireNumber } from './wire-number.js';

type Spec =
  | { kind: 'string'; nonEmpty?: boolean; key?: boolean }
  | { kind: 'id'; what: 'run' | 'sweep' }
  | { kind: 'number' | 'int' | 'wire' | 'boolean' | 'json' }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'array'; items: Spec }
  | { kind: 'object'; fields: Fields };
type Field = Spec & { optional?: boolean; nullable?: boolean };
type Fields = ReadonlyMap<string, Field>;

const str: Spec = { kind: 'string' };
const name: Spec = { kind: 'string', nonEmpty: true };
/** A name that becomes an object key downstream (metric keys, eval metric names). */
const key: Spec = { kind: 'string', nonEmpty: true, key: true };
const num: Spec = { kind: 'number' };
const int: Spec = { kind: 'int' };
const json: Spec = { kind: 'json' };
const strings: Spec = { kind: 'array', items: str };
const runId: Spec = { kind: 'id', what: 'run' };
const sweepId: Spec = { kind: 'id', what: 'sweep' };
const opt = (s: Spec): Field => ({ ...s, optional: true });
const optNull = (s: Spec): Field => ({ ...s, optional: true, nullable: true });
const obj = (fields: Record<string, Field>): Spec => ({ kind: 'object', fields: new Map(Object.entries(fields)) });

const NEW_RUN = obj({
  id: runId, method: name, config: json, name: opt(str), seed: optNull(num), groupKey: opt(str), experiment: optNull(str),
  gitCommit: optNull(str), gitDirty: optNull({ kind: 'boolean' }), host: optNull(str), pid: optNull(int), backend: optNull(str),
  packageVersions: opt(json), command: optNull(str), runDir: optNull(str), sweepId: optNull(sweepId), jobId: optNull(str), configVersion: optNull(int),
  tags: opt(strings), notes: optNull(str), at: opt(num),
});
const POINT = obj({ key, step: int, value: { kind: 'wire' }, wallTime: opt(num) });

const SWEEP_STATUS: Field = { kind: 'enum', values: SWEEP_STATUSES };
const JOB_STATUS: Field = { kind: 'enum', values: JOB_STATUSES };

/** Fields of each op besides `op` and the idempotency `key`. */
const OP_FIELDS: Record<TrackingRecord['op'], Record<string, Field>> = {
  createRun: { run: NEW_RUN },
  heartbeat: { runId, at: num },
  finishRun: { runId, status: { kind: 'enum', values: EXIT_STATUSES }, reason: optNull(str), at: num },
  resumeRun: { runId, at: num, pid: optNull(int), host: optNull(str) },
  metrics: { runId, points: { kind: 'array', items: POINT } },
  artifact: { runId, artifact: obj({ kind: name, path: name, step: optNull(int), meta: opt(json), at: opt(num) }) },
  evalResult: { runId, result: obj({ metric: key, value: { kind: 'wire' }, stderr: optNull(num), n: optNull(int), step: optNull(int), details: opt(json), at: opt(num) }) },
  judgment: {
    judgment: obj({
      runId, realRef: name, fakeRef: name, chosen: { kind: 'enum', values: ['real', 'fake'] }, responseMs: optNull(num), shownMs: optNull(num),
      realSide: optNull({ kind: 'enum', values: ['left', 'right'] }), participant: optNull(str), session: optNull(str), key: optNull(str), at: opt(num),
      // The signature of a pair served by the dashboard (GET /api/realism/<run>/pair); the server requires it.
      sig: opt(str),
    }),
  },
  setTags: { runId, tags: strings },
  createSweep: {
    sweep: obj({ id: sweepId, name: opt(str), experiment: optNull(str), grid: opt(json), overrides: opt(strings), launcher: opt(json), status: opt(SWEEP_STATUS), sweepDir: optNull(str), command: optNull(str), at: opt(num) }),
  },
  updateSweep: { sweepId, status: SWEEP_STATUS, at: num },
  addSweepJobs: { sweepId, jobs: { kind: 'array', items: obj({ jobId: name, index: int, overrides: strings, status: opt(JOB_STATUS) }) }, at: num },
  updateSweepJob: {
    sweepId, jobId: name,
    update: obj({
      status: opt(JOB_STATUS), runId: optNull(runId), attempts: opt(int), incrementAttempts: opt({ kind: 'boolean' }), slurmJobId: optNull(str),
      slurmArrayTaskId: optNull(int), exitReason: optNull(str), startedAt: optNull(num), endedAt: optNull(num), at: opt(num),
    }),
  },
};
const OPS: ReadonlyMap<string, Fields> = new Map(Object.entries(OP_FIELDS).map(([op, fields]) => [op, new Map(Object.entries(fields))]));

const typeOf = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeOf(v) === 'object';

/** Plain JSON (no functions, no non-finite numbers) whose object keys are never reserved names. */
function checkJson(v: unknown, at: string, depth = 0): void {
  if (depth > 64) throw new TrackingInputError(`${at} is nested too deeply`);
  if (Array.isArray(v)) v.forEach((x, i) => checkJson(x, `${at}[${i}]`, depth + 1));
  else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (RESERVED_KEYS.has(k)) throw new TrackingInputError(`${at} uses the reserved key "${k}": rename it`);
      checkJson(x, `${at}.${k}`, depth + 1);
    }
  } else if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) throw new TrackingInputError(`${at} is not JSON`);
}

function check(v: unknown, spec: Field, at: string): void {
  if (v === null && spec.nullable) return;
  const want = (what: string) => new TrackingInputError(`${at} must be ${what}, got ${typeOf(v)}${typeof v === 'string' ? ` ${JSON.stringify(v.slice(0, 40))}` : ''}`);
  switch (spec.kind) {
    case 'string':
      if (typeof v !== 'string' || (spec.nonEmpty && v === '')) throw want(spec.nonEmpty ? 'a non-empty string' : 'a string');
      if (spec.key && RESERVED_KEYS.has(v)) throw new TrackingInputError(`${at} is the reserved name "${v}": rename it`);
      return;
    case 'id':
      if (typeof v !== 'string') throw want(`a ${spec.what} id`);
      assertValidId(v, spec.what);
      return;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw want('a number');
      return;
    case 'int':
      if (!Number.isSafeInteger(v)) throw want('an integer');
      return;
    case 'wire':
      if (fromWireNumber(v) === undefined) throw want("a number (or 'NaN', 'Infinity', '-Infinity', null)");
      return;
    case 'boolean':
      if (typeof v !== 'boolean') throw want('a boolean');
      return;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v)) throw want(`one of ${spec.values.join(', ')}`);
      return;
    case 'json':
      if (!isPlainObject(v)) throw want('an object');
      checkJson(v, at);
      return;
    case 'array':
      if (!Array.isArray(v)) throw want('an array');
      v.forEach((x, i) => check(x, spec.items, `${at}[${i}]`));
      return;
    case 'object':
      if (!isPlainObject(v)) throw want('an object');
      checkFields(v, spec.fields, at);
  }
}

function checkFields(v: Record<string, unknown>, fields: Fields, at: string, known: readonly string[] = []): void {
  for (const k of Object.keys(v)) {
    if (!fields.has(k) && !known.includes(k)) throw new TrackingInputError(`${at}: unknown field "${k}" (known: ${[...known, ...fields.keys()].join(', ')})`);
  }
  for (const [k, spec] of fields) {
    const x = v[k];
    if (x === undefined && spec.optional) continue;
    check(x, spec, at ? `${at}.${k}` : k); // a missing required field: "... must be a string, got undefined"
  }
}

export function assertRecord(rec: unknown, index?: number): asserts rec is TrackingRecord {
  const where = index === undefined ? 'record' : `record ${index}`;
  if (!isPlainObject(rec)) throw new TrackingInputError(`${where} is not an object`);
  const op = rec.op;
  const fields = typeof op === 'string' ? OPS.get(op) : undefined;
  if (typeof op !== 'string' || !fields) throw new TrackingInputError(`${where}: unknown tracking record op '${String(op)}' (known: ${[...OPS.keys()].join(', ')})`);
  if (rec.key !== undefined && rec.key !== null && typeof rec.key !== 'string') throw new TrackingInputError(`${where} (${op}): key must be a string`);
  try {
    checkFields(rec, fields, '', ['op', 'key']);
  } catch (err) {
    if (err instanceof TrackingInputError) throw new TrackingInputError(`${where} (${op}): ${err.message.replace(/^: /, '')}`);
    throw err;
  }
}
