import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TrackingFileError, TrackingSchemaError } from './errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { openDatabase } from './open-database.js';
import { openStore } from './open-store.js';
import { TrackingStore } from './tracking-store.js';
import { storeDatabase } from '../test/testing.js';

const dirs: string[] = [];
function tempPath(name = 'workbench.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-open-'));
  dirs.push(dir);
  return join(dir, name);
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('openStore', () => {
  it('keeps its SQLite handle private: no `db` on the store, by type or at run time', () => {
    const store = openStore(tempPath());
    // @ts-expect-error the handle is not part of TrackingStore's type
    const leaked: unknown = store.db;
    expect(leaked).toBeUndefined();
    expect('db' in store).toBe(false);
    expect(store.runCount()).toBe(0); // what the app asked of the handle is a method now
    store.close();
    expect(store.isOpen).toBe(false);
  });

  it('creates a fresh WAL database at the current schema version with all tables', () => {
    const path = tempPath();
    const store = openStore(path);
    expect(storeDatabase(store).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(storeDatabase(store).pragma('foreign_keys', { simple: true })).toBe(1);
    expect(storeDatabase(store).pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(storeDatabase(store).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = storeDatabase(store).prepare("SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name").pluck().all();
    for (const t of ['sweeps', 'sweep_jobs', 'runs', 'metric_series', 'metric_points', 'metrics', 'artifacts', 'eval_results', 'judgments', 'ingest_keys', 'schema_migrations']) {
      expect(tables).toContain(t);
    }
    const applied = storeDatabase(store).prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(applied).toEqual(MIGRATIONS.map((m) => m.version));
    store.close();
  });

  it('re-opens an existing file without re-applying migrations and keeps the data', () => {
    const path = tempPath();
    const a = openStore(path);
    const run = a.createRun({ method: 'bicyclegan', config: { seed: 1 } });
    a.close();
    const b = openStore(path);
    expect(b.getRun(run.id)?.method).toBe('bicyclegan');
    expect(storeDatabase(b).prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    b.close();
  });

  it('applies only the new migrations to an older database', () => {
    const path = tempPath();
    const extra = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'test: add a column', sql: 'ALTER TABLE runs ADD COLUMN test_col TEXT' }];
    openStore(path).close();
    const s = openStore(path, { migrations: extra });
    expect(storeDatabase(s).pragma('user_version', { simple: true })).toBe(extra.length);
    expect(storeDatabase(s).prepare("SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'test_col'").pluck().get()).toBe(1);
    s.close();
  });

  it('migrates a version-1 file with metric points: rollups and summaries are backfilled', () => {
    const path = tempPath();
    const v1 = openDatabase(path, { migrations: MIGRATIONS.slice(0, 1) });
    v1.prepare(
      "INSERT INTO runs (id, method, config, config_hash, group_key, status, created_at, started_at, heartbeat_at) VALUES ('r', 'm', '{}', 'h', 'g', 'finished', 0, 0, 0)",
    ).run();
    v1.prepare("INSERT INTO metric_series (id, run_id, key) VALUES (1, 'r', 'loss')").run();
    const ins = v1.prepare('INSERT INTO metric_points (series_id, step, value, wall_time) VALUES (1, ?, ?, ?)');
    for (let s = 0; s < 1000; s++) ins.run(s, s === 500 ? 99 : s === 700 ? null : 1 / (s + 1), s);
    v1.close();
    const store = openStore(path);
    expect(storeDatabase(store).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(store.metricSummaries(['r'])).toEqual([{ runId: 'r', key: 'loss', n: 1000, last: 1 / 1000, lastStep: 999, min: 1 / 1000, max: 99 }]);
    expect(storeDatabase(store).prepare('SELECT count(*), sum(n) FROM metric_rollups').raw().get()).toEqual([4, 1000]);
    const s = store.metricSeries('r', 'loss', { maxPoints: 10, strategy: 'rollup' });
    expect(s.points).toContainEqual({ step: 500, value: 99, wallTime: 500 });
    store.close();
  });

  it('refuses a database written by a newer workbench with a clear message', () => {
    const path = tempPath();
    openStore(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
    raw.close();
    expect(() => openStore(path)).toThrow(TrackingSchemaError);
    expect(() => openStore(path)).toThrow(/schema version \d+.*only knows up to version \d+: upgrade workbench/);
  });

  it('refuses an SQLite file that is not a tracking store', () => {
    const path = tempPath('other.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE customers (id INTEGER)');
    raw.close();
    expect(() => openStore(path)).toThrow(/not a workbench tracking store.*customers/);
  });

  it('rolls back a failing migration entirely', () => {
    const path = tempPath();
    const bad = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE ok_table (x); SELECT nope FROM missing' }];
    expect(() => openStore(path, { migrations: bad })).toThrow(/missing/);
    const raw = new Database(path);
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    expect(raw.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'runs'").pluck().get()).toBe(0);
    raw.close();
  });

  it('a damaged file (random bytes) is one line naming it and what to do, and is left as it is', () => {
    const path = tempPath();
    const bytes = randomBytes(16_384);
    writeFileSync(path, bytes);
    let err: unknown;
    try {
      openStore(path);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TrackingFileError);
    const message = (err as Error).message;
    expect(message).toBe(
      `${path} is damaged or not an SQLite database (file is not a database): it was left as it is; move it aside and restore a backup, or point tracking.db at a new file`,
    );
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('a write SQLite refuses as read-only names the file and what to do; reads still work', () => {
    const path = tempPath();
    const rw = openStore(path);
    const run = rw.createRun({ method: 'm', config: {} });
    rw.close();
    // (File permissions do not stop root; a read-only connection gives the same SQLITE_READONLY.)
    const ro = new TrackingStore(new Database(path, { readonly: true }), path);
    expect(() => ro.finishRun(run.id, 'finished')).toThrow(
      new TrackingFileError(`${path} is read-only for this user (attempt to write a readonly database): make the file and its folder writable (SQLite also writes ${path}-wal and ${path}-shm beside it), or point tracking.db at another file`, 'read-only', path),
    );
    expect(ro.getRun(run.id)?.status).toBe('running'); // listing runs is not a write
    storeDatabase(ro).close();
  });

  it('creates the parent folder of the database file', () => {
    const path = join(tempPath(), '..', 'nested', 'deeper', 'w.db');
    openStore(path).close();
    const s = openStore(path, { readonly: true });
    expect(s.readonly).toBe(true);
    s.close();
  });
});
