// Query strings → typed store queries. Everything is validated here so a bad URL is a 400 with a
// message, and values reach SQL only as bound parameters (the store parameterises every value).
// Keys that become object properties (config keys, metric keys) never use a reserved name
// (`__proto__`, `prototype`, `constructor`), and run/sweep ids match the one id pattern.
import {
  assertSafeKey,
  assertValidId,
  nullProto,
  RUN_STATUSES,
  type ConfigCondition,
  type ConfigScalar,
  type RunFilter,
  type RunQuery,
  type RunSort,
  type RunStatus,
} from '@workbench/tracking';
import { badRequest } from './http-error.js';

type Query = Record<string, unknown>;

export function str(q: Query, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`query parameter "${name}" must be given once`);
  return v;
}

export function list(q: Query, name: string): string[] | undefined {
  const v = str(q, name);
  if (v === undefined || v === '') return undefined;
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** A comma list of run or sweep ids, each checked against the id pattern (400 otherwise). */
export function idList(q: Query, name: string, what: 'run' | 'sweep'): string[] | undefined {
  return list(q, name)?.map((id) => assertValidId(id, what));
}

/** A comma list of keys that will index objects (metric keys, config columns): no reserved names. */
export function keyList(q: Query, name: string, what: string): string[] | undefined {
  const keys = list(q, name);
  for (const k of keys ?? []) assertSafeKey(k, what);
  return keys;
}

/** A dotted config key from a URL: non-empty parts, no reserved names. */
export function configKey(key: string, context: string): string {
  if (key.split('.').some((s) => s === '')) throw badRequest(`${context}: "${key}" is not a dotted config key (empty part); write it like model.nz`);
  assertSafeKey(key, 'config key');
  return key;
}

export function int(q: Query, name: string, dflt: number, min: number, max: number): number {
  const v = str(q, name);
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest(`query parameter "${name}" must be an integer in [${min}, ${max}], got "${v}"`);
  return n;
}

/** `8` → 8, `true` → true, `null` → null, `"8"` (quoted) → "8", anything else → the string. */
export function parseScalar(text: string): ConfigScalar {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (/^".*"$/.test(t)) return t.slice(1, -1);
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  return t;
}

const CONDITION = /^\s*([A-Za-z0-9_.-]+)\s*(!=|>=|<=|=|>|<|~)(.*)$/;

/**
 * `config=model.nz=8;loss.lambda_kl>0;name~faces` → store conditions. Operators: = != > >= < <=
 * and ~ (substring). Several conditions on one key are combined with AND.
 */
export function parseConfigFilter(text: string | undefined): Record<string, ConfigCondition> | undefined {
  if (!text) return undefined;
  const out = nullProto<Exclude<ConfigCondition, ConfigScalar>>();
  for (const part of text.split(';').map((s) => s.trim()).filter(Boolean)) {
    const m = CONDITION.exec(part);
    if (!m) throw badRequest(`config filter "${part}" not understood: use key=value, key!=value, key>number, key~text (separate several with ;)`);
    const [, key, op, raw] = m;
    if (key === undefined || op === undefined || raw === undefined) throw badRequest(`config filter "${part}" not understood`);
    configKey(key, `config filter "${part}"`);
    const cond = (out[key] ??= Object.create(null) as Exclude<ConfigCondition, ConfigScalar>);
    const value = parseScalar(raw);
    const numeric = () => {
      if (typeof value !== 'number') throw badRequest(`config filter "${part}": ${op} needs a number`);
      return value;
    };
    if (op === '=') cond.eq = value;
    else if (op === '!=') cond.ne = value;
    else if (op === '>') cond.gt = numeric();
    else if (op === '>=') cond.gte = numeric();
    else if (op === '<') cond.lt = numeric();
    else if (op === '<=') cond.lte = numeric();
    else cond.like = raw.trim();
  }
  return out;
}

const SORT_COLUMNS = new Set(['createdAt', 'startedAt', 'endedAt', 'heartbeatAt', 'name', 'status', 'method', 'seed', 'duration', 'id']);

/** `startedAt` | `config:model.nz` | `metric:loss_G` | `metric:loss_G:min`. */
export function parseSort(text: string | undefined): RunSort | undefined {
  if (!text) return undefined;
  if (text.startsWith('config:')) return { config: configKey(text.slice('config:'.length), `sort "${text}"`) };
  if (text.startsWith('metric:')) {
    const rest = text.slice('metric:'.length);
    const m = /^(.*):(last|min|max)$/.exec(rest);
    const sort = m?.[1] !== undefined ? { metric: m[1], agg: m[2] as 'last' | 'min' | 'max' } : { metric: rest };
    assertSafeKey(sort.metric, 'metric key');
    return sort;
  }
  if (SORT_COLUMNS.has(text)) return text as RunSort;
  throw badRequest(`unknown sort "${text}": use one of ${[...SORT_COLUMNS].join(', ')}, config:<key>, metric:<key>[:min|max]`);
}

/** `archived=exclude` (default: archived runs are hidden), `only`, or `include`; a request for
 *  explicit `ids` includes archived runs unless told otherwise. */
export function parseArchived(text: string | undefined, explicitIds: boolean): boolean | undefined {
  if (text === undefined || text === '') return explicitIds ? undefined : false;
  if (text === 'exclude') return false;
  if (text === 'only') return true;
  if (text === 'include') return undefined;
  throw badRequest(`archived must be exclude (default), only or include, got "${text}"`);
}

export function parseRunFilter(q: Query): RunFilter {
  const status = list(q, 'status');
  for (const s of status ?? []) {
    if (!RUN_STATUSES.includes(s as RunStatus)) throw badRequest(`unknown status "${s}": use ${RUN_STATUSES.join(', ')}`);
  }
  const filter: RunFilter = {
    status: status as RunStatus[] | undefined,
    method: list(q, 'method'),
    ids: idList(q, 'ids', 'run'),
    tags: list(q, 'tag'),
    text: str(q, 'q') || undefined,
    sweepId: str(q, 'sweep') ? assertValidId(str(q, 'sweep'), 'sweep') : undefined,
    groupKey: str(q, 'groupKey') || undefined,
    config: parseConfigFilter(str(q, 'config')),
    archived: parseArchived(str(q, 'archived'), q.ids !== undefined),
  };
  for (const k of Object.keys(filter) as (keyof RunFilter)[]) if (filter[k] === undefined) delete filter[k];
  return filter;
}

/** Always a page: `limit` and `offset` are set (the runs page sends them back). */
export function parseRunQuery(q: Query): RunQuery & Required<Pick<RunQuery, 'limit' | 'offset'>> {
  const order = str(q, 'order');
  if (order !== undefined && order !== 'asc' && order !== 'desc') throw badRequest(`order must be asc or desc, got "${order}"`);
  return {
    ...parseRunFilter(q),
    sort: parseSort(str(q, 'sort') ?? 'createdAt'),
    order: order ?? 'desc',
    limit: int(q, 'limit', 50, 1, 1000),
    offset: int(q, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}
