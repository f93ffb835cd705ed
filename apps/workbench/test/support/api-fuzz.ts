// Requests for the API fuzz suite (issue 13): every API route with random and adversarial path
// segments, query keys and values (reserved property names, traversal, NUL, SQL-looking text,
// config conditions, huge and empty strings) and JSON bodies whose keys include `__proto__`
// (as own keys in the JSON text, the way an attacker sends them). Used by api-fuzz.spec.ts
// (bounded, fixed seed, in `npm test`) and by the soak in tools/fuzz/api-soak.sh.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import fc from 'fast-check';

export const RESERVED = ['__proto__', 'prototype', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
const ADVERSARIAL = [
  '', ' ', '..', '.', '../../../../etc/passwd', '..%2F..%2Fetc', '/etc/passwd', 'C:\\Windows', 'a\u0000b', '\u202e',
  'null', 'true', 'NaN', 'Infinity', '-1', '0', '1e309', '9007199254740993', ';', '=', '==', 'model..nz', '.nz', 'model.', '"8"',
  "' OR 1=1 --", '<img src=x onerror=alert(1)>', '%', '%%', '\\', 'x'.repeat(300), 'run-bicyclegan-s0', 'run-cvae_gan-s1', 'sweep-quick',
];
/** Real ids, so requests reach the code behind the "unknown run" check too. */
const REAL_IDS = ['run-bicyclegan-s0', 'run-bicyclegan-s1', 'run-cvae_gan-s0', 'run-live', 'run-failed', 'run-xss', 'sweep-quick'];
const PARAMS = ['status', 'method', 'sweep', 'groupKey', 'tag', 'ids', 'q', 'config', 'sort', 'order', 'limit', 'offset', 'cols', 'fields', 'format', 'keys', 'points', 'stepMin', 'stepMax', 'tail', 'side', 'token'];

// Reserved names are drawn often: each route has only a few places where one does harm.
const reserved = fc.constantFrom(...RESERVED);
const text = fc.oneof(
  { weight: 3, arbitrary: reserved },
  { weight: 3, arbitrary: fc.constantFrom(...ADVERSARIAL) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
const keyName = fc.oneof({ weight: 3, arbitrary: reserved }, { weight: 2, arbitrary: fc.constantFrom('model', 'nz', 'seed', 'data', 'eq') }, { weight: 1, arbitrary: text });
const dotted = fc.array(keyName, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
const condition = fc.tuple(dotted, fc.constantFrom('=', '!=', '>', '>=', '<', '<=', '~'), text).map(([k, op, v]) => `${k}${op}${v}`);
const sortValue = fc.tuple(fc.constantFrom('config:', 'metric:', 'eval:', ''), dotted, fc.constantFrom('', ':min', ':max', ':last')).map(([p, k, s]) => `${p}${k}${s}`);
const commaList = fc.array(fc.oneof(fc.constantFrom(...REAL_IDS), text), { minLength: 1, maxLength: 4 }).map((xs) => xs.join(','));
/** A query parameter: known names with values shaped for them (conditions, sorts, lists), or anything. */
const param = fc.oneof(
  fc.tuple(fc.constant('config'), fc.array(condition, { minLength: 1, maxLength: 3 }).map((cs) => cs.join(';'))),
  fc.tuple(fc.constant('sort'), sortValue),
  fc.tuple(fc.constantFrom('ids', 'tag', 'keys', 'cols', 'status', 'method', 'sweep'), commaList),
  fc.tuple(fc.constantFrom(...PARAMS), text),
  fc.tuple(keyName, text),
);
const query = fc
  .array(param, { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''));
const segment = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...REAL_IDS) }, { weight: 3, arbitrary: text }).map((s) => encodeURIComponent(s) || 'x');
const filePath = fc.oneof(
  fc.constantFrom('images/step-0000100.png', 'train.log', 'checkpoints/step-0000400/state.json', '..%2F..%2Fworkbench.db', '%2Fetc%2Fpasswd', 'images%00.png'),
  fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/')),
);

/** JSON text of an object whose keys may be `__proto__` & co. (own keys, as JSON.parse makes them). */
const objectText = (value: fc.Arbitrary<string>) =>
  fc.array(fc.tuple(keyName, value), { maxLength: 6 }).map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
const leaf = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null');
const nested = fc.oneof(leaf, objectText(leaf), fc.array(fc.oneof(leaf, objectText(leaf)), { maxLength: 3 }).map((xs) => `[${xs.join(',')}]`));
const OPS = ['createRun', 'heartbeat', 'finishRun', 'resumeRun', 'metrics', 'artifact', 'evalResult', 'judgment', 'setTags', 'createSweep', 'updateSweep', 'addSweepJobs', 'updateSweepJob', ...RESERVED];
/** A tracking record: a real op (or a reserved name) with plausible and random fields. */
const record = fc
  .tuple(
    fc.constantFrom(...OPS),
    fc.array(
      fc.tuple(fc.constantFrom('runId', 'sweepId', 'at', 'points', 'tags', 'run', 'result', 'artifact', 'judgment', 'status', 'key', 'jobs', 'update', ...RESERVED), nested),
      { maxLength: 5 },
    ),
  )
  .map(([op, fields]) => `{"op":${JSON.stringify(op)}${fields.map(([k, v]) => `,${JSON.stringify(k)}:${v}`).join('')}}`);
const records = fc.array(record, { minLength: 1, maxLength: 4 }).map((rs) => `[${rs.join(',')}]`);
const body = fc.oneof(nested, objectText(nested), records);

export interface FuzzRequest {
  method: string;
  path: string;
  body?: string | Uint8Array;
  contentType?: string;
}

const get = (path: fc.Arbitrary<string>) => fc.tuple(path, query).map(([p, q]): FuzzRequest => ({ method: 'GET', path: p + q }));
const withBody = (method: string, path: fc.Arbitrary<string>, content = body) =>
  fc.tuple(path, query, content, fc.constantFrom('application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded')).map(
    ([p, q, b, type]): FuzzRequest => ({ method, path: p + q, body: b, contentType: type }),
  );
const run = segment;

/** One request to one of the API routes (or an unknown method/path). */
export const apiRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  get(fc.constantFrom('/api/health', '/api/runs', '/api/runs/groups', '/api/compare', '/api/compare/metrics', '/api/compare/bands', '/api/sweeps', '/api/explorer', '/api/realism/summary')),
  get(run.map((r) => `/api/runs/${r}`)),
  get(fc.tuple(run, fc.constantFrom('log', 'metrics', 'images', 'checkpoints')).map(([r, s]) => `/api/runs/${r}/${s}`)),
  get(fc.tuple(run, filePath).map(([r, f]) => `/api/runs/${r}/files/${f}`)),
  get(segment.map((s) => `/api/sweeps/${s}`)),
  get(segment.map((s) => `/api/sweeps/${s}/tables`)),
  get(run.map((r) => `/api/explorer/${r}`)),
  get(fc.tuple(run, fc.oneof(fc.constantFrom('0', '7', '8', '-1'), segment)).map(([r, i]) => `/api/explorer/${r}/inputs/${i}`)),
  get(run.map((r) => `/api/realism/${r}/pair`)),
  get(run.map((r) => `/api/ingest/runs/${r}`)),
  get(segment.map((s) => `/vendor/${s}`)),
  withBody('PATCH', run.map((r) => `/api/runs/${r}`)),
  withBody('POST', run.map((r) => `/api/explorer/${r}/generate`)),
  fc.tuple(run, fc.uint8Array({ maxLength: 64 }), fc.constantFrom('image/png', 'image/jpeg', 'application/octet-stream')).map(
    ([r, bytes, type]): FuzzRequest => ({ method: 'POST', path: `/api/explorer/${r}/encode`, body: bytes, contentType: type }),
  ),
  withBody('POST', fc.constant('/api/realism/judgments')),
  withBody('POST', fc.constant('/api/ingest'), fc.oneof({ weight: 3, arbitrary: records }, { weight: 1, arbitrary: body })),
  fc.tuple(fc.constantFrom('DELETE', 'PUT', 'POST', 'PATCH'), fc.constantFrom('/api/runs', '/api/sweeps/sweep-quick', '/api/health'), body).map(
    ([method, path, b]): FuzzRequest => ({ method, path, body: b, contentType: 'application/json' }),
  ),
);

/** The database image (committed pages, WAL included), hashed: equal before and after means the
 *  request changed nothing. Reads and rolled-back transactions leave it as it was. */
export function databaseDigest(db: Database.Database): string {
  return createHash('sha256').update(db.serialize()).digest('hex');
}

/** Own property names of the built-in prototypes a polluted key would reach. */
export function prototypeShape(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join(',')).join('|');
}
