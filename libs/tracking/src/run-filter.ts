// RunQuery -> parameterized SQL. Every user value is a bound parameter; config keys become JSON
// paths passed as parameters too (`$."model"."nz"`), so nothing user-supplied is spliced into SQL.
import { TrackingInputError } from './errors.js';
import { assertSafeKey } from './safe-keys.js';
import { RUN_STATUSES, type RunStatus } from './run/status.js';

export type ConfigScalar = string | number | boolean | null;
/** A config condition: a scalar means equality (null = missing or null). */
export type ConfigCondition =
  | ConfigScalar
  | { eq?: ConfigScalar; ne?: ConfigScalar; gt?: number; gte?: number; lt?: number; lte?: number; in?: ConfigScalar[]; like?: string };

export interface RunFilter {
  ids?: string[];
  status?: RunStatus | RunStatus[];
  method?: string | string[];
  sweepId?: string;
  groupKey?: string;
  experiment?: string;
  /** Case-insensitive substring of id, name, method, tags or notes. */
  text?: string;
  /** Runs carrying ALL of these tags. */
  tags?: string[];
  /** Dotted config key -> condition, e.g. {"model.nz": 8, "loss.lambda_kl": {gt: 0}}. */
  config?: Record<string, ConfigCondition>;
  /** true = only archived runs, false = only runs not archived; absent = both. */
  archived?: boolean;
  createdAfter?: number;
  createdBefore?: number;
  /** Metric key -> bounds on its last (default), min or max value, e.g. {G_L1: {lt: 0.3}}.
   *  Runs without the metric never match. */
  metric?: Record<string, { agg?: MetricAgg; gt?: number; gte?: number; lt?: number; lte?: number }>;
}

export type RunSortColumn =
  | 'createdAt' | 'startedAt' | 'endedAt' | 'heartbeatAt' | 'name' | 'status' | 'method' | 'seed' | 'duration' | 'id';
export type MetricAgg = 'last' | 'min' | 'max';
export type RunSort = RunSortColumn | { config: string } | { metric: string; agg?: MetricAgg };

export interface RunQuery extends RunFilter {
  sort?: RunSort;
  order?: 'asc' | 'desc';
  /** Page size; absent = all rows. */
  limit?: number;
  offset?: number;
  /** Parse and return each run's config (default true). */
  includeConfig?: boolean;
}

const SORT_COLUMNS: Record<RunSortColumn, string> = {
  createdAt: 'r.created_at',
  startedAt: 'r.started_at',
  endedAt: 'r.ended_at',
  heartbeatAt: 'r.heartbeat_at',
  name: 'r.name',
  status: 'r.status',
  method: 'r.method',
  seed: 'r.seed',
  duration: '(coalesce(r.ended_at, r.heartbeat_at) - r.started_at)',
  id: 'r.id',
};

const NULLABLE_SORTS = new Set<RunSortColumn>(['endedAt', 'seed']);

/** `model.nz` -> `$."model"."nz"` (quoted segments: keys may contain '-' or digits). */
export function configJsonPath(dottedKey: string): string {
  const segments = dottedKey.split('.');
  if (dottedKey === '' || segments.some((s) => s === '' || s.includes('"'))) {
    throw new TrackingInputError(`invalid config key '${dottedKey}': use a dotted path such as model.nz`);
  }
  assertSafeKey(dottedKey, 'config key');
  return '$' + segments.map((s) => `."${s}"`).join('');
}

/** SQLite has no booleans: json_extract yields 1/0 for true/false. */
function bindable(v: ConfigScalar): string | number | null {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

function likeEscape(text: string): string {
  return '%' + text.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}

function asArray<T>(v: T | T[] | undefined): T[] | undefined {
  return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

export function buildRunWhere(f: RunFilter): SqlFragment {
  const where: string[] = [];
  const params: unknown[] = [];
  const inList = (column: string, values: unknown[]) => {
    if (values.length === 0) where.push('0');
    else {
      where.push(`${column} IN (${values.map(() => '?').join(',')})`);
      params.push(...values);
    }
  };
  if (f.ids) inList('r.id', f.ids);
  const statuses = asArray(f.status);
  if (statuses) {
    for (const s of statuses) {
      if (!RUN_STATUSES.includes(s)) {
        throw new TrackingInputError(`unknown run status '${s}': use one of ${RUN_STATUSES.join(', ')}`);
      }
    }
    inList('r.status', statuses);
  }
  const methods = asArray(f.method);
  if (methods) inList('r.method', methods);
  const eq = (column: string, value: unknown) => {
    where.push(`${column} = ?`);
    params.push(value);
  };
  if (f.sweepId !== undefined) eq('r.sweep_id', f.sweepId);
  if (f.groupKey !== undefined) eq('r.group_key', f.groupKey);
  if (f.experiment !== undefined) eq('r.experiment', f.experiment);
  if (f.archived !== undefined) where.push(f.archived ? 'r.archived_at IS NOT NULL' : 'r.archived_at IS NULL');
  if (f.createdAfter !== undefined) {
    where.push('r.created_at >= ?');
    params.push(f.createdAfter);
  }
  if (f.createdBefore !== undefined) {
    where.push('r.created_at < ?');
    params.push(f.createdBefore);
  }
  if (f.text) {
    const pattern = likeEscape(f.text);
    where.push(
      "(r.id LIKE ? ESCAPE '\\' OR r.name LIKE ? ESCAPE '\\' OR r.method LIKE ? ESCAPE '\\' " +
        "OR EXISTS (SELECT 1 FROM json_each(r.tags) WHERE json_each.value LIKE ? ESCAPE '\\') " +
        "OR ifnull(r.notes, '') LIKE ? ESCAPE '\\')",
    );
    params.push(pattern, pattern, pattern, pattern, pattern);
  }
  for (const tag of f.tags ?? []) {
    where.push('EXISTS (SELECT 1 FROM json_each(r.tags) WHERE json_each.value = ?)');
    params.push(tag);
  }
  for (const [key, cond] of Object.entries(f.config ?? {})) {
    const path = configJsonPath(key);
    const col = 'json_extract(r.config, ?)';
    const add = (sql: string, ...p: unknown[]) => {
      where.push(sql);
      params.push(path, ...p);
    };
    if (cond === null) add(`${col} IS NULL`);
    else if (typeof cond !== 'object') add(`${col} = ?`, bindable(cond));
    else {
      if ('eq' in cond) {
        if (cond.eq === null) add(`${col} IS NULL`);
        else add(`${col} = ?`, bindable(cond.eq!));
      }
      if ('ne' in cond) {
        if (cond.ne === null) add(`${col} IS NOT NULL`);
        else add(`${col} IS NOT ?`, bindable(cond.ne!));
      }
      if (cond.gt !== undefined) add(`${col} > ?`, cond.gt);
      if (cond.gte !== undefined) add(`${col} >= ?`, cond.gte);
      if (cond.lt !== undefined) add(`${col} < ?`, cond.lt);
      if (cond.lte !== undefined) add(`${col} <= ?`, cond.lte);
      if (cond.like !== undefined) add(`${col} LIKE ? ESCAPE '\\'`, likeEscape(cond.like));
      if (cond.in !== undefined) {
        if (cond.in.length === 0) where.push('0');
        else add(`${col} IN (${cond.in.map(() => '?').join(',')})`, ...cond.in.map(bindable));
      }
    }
  }
  for (const [key, cond] of Object.entries(f.metric ?? {})) {
    const col = metricColumn(cond.agg ?? 'last');
    const ops: [keyof typeof cond, string][] = [['gt', '>'], ['gte', '>='], ['lt', '<'], ['lte', '<=']];
    const bounds = ops.filter(([k]) => cond[k] !== undefined);
    where.push(
      `EXISTS (SELECT 1 FROM metric_series s WHERE s.run_id = r.id AND s.key = ? AND s.n > 0 AND s.${col} IS NOT NULL` +
        bounds.map(([, op]) => ` AND s.${col} ${op} ?`).join('') +
        ')',
    );
    params.push(key, ...bounds.map(([k]) => cond[k]));
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

function metricColumn(agg: MetricAgg): string {
  const column = { last: 'last_value', min: 'min_value', max: 'max_value' }[agg];
  if (!column) throw new TrackingInputError(`unknown metric aggregate '${String(agg)}': use last, min or max`);
  return column;
}

export function buildRunOrder(sort: RunSort | undefined, order: 'asc' | 'desc' | undefined): SqlFragment {
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const tie = `, r.created_at ${dir}, r.id ${dir}`;
  if (sort === undefined || sort === 'createdAt') return { sql: `ORDER BY r.created_at ${dir}, r.id ${dir}`, params: [] };
  if (typeof sort === 'string') {
    const col = SORT_COLUMNS[sort];
    if (!col) {
      throw new TrackingInputError(`unknown sort '${sort}': use one of ${Object.keys(SORT_COLUMNS).join(', ')}, {config}, {metric}`);
    }
    // NULLS LAST only where NULLs exist: on NOT NULL columns it would stop SQLite using an index.
    const nulls = NULLABLE_SORTS.has(sort) ? ' NULLS LAST' : '';
    return { sql: `ORDER BY ${col} ${dir}${nulls}${tie}`, params: [] };
  }
  if ('config' in sort) {
    return { sql: `ORDER BY json_extract(r.config, ?) ${dir} NULLS LAST${tie}`, params: [configJsonPath(sort.config)] };
  }
  const column = metricColumn(sort.agg ?? 'last');
  // Summary columns maintained on write: sorting 10k runs by a metric is an index lookup each.
  const sub = `(SELECT s.${column} FROM metric_series s WHERE s.run_id = r.id AND s.key = ?)`;
  return { sql: `ORDER BY ${sub} ${dir} NULLS LAST${tie}`, params: [sort.metric] };
}
