// Opening the SQLite file: WAL (readers never block the writer), busy_timeout (writers wait for
// each other instead of failing), foreign keys, and the schema migrations.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { withBusyRetry, type RetryOptions, DEFAULT_RETRY } from './busy-retry.js';
import { TrackingFileError, TrackingSchemaError } from './errors.js';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations.js';
import { sqliteFileError } from './sqlite-file-error.js';

export interface OpenDatabaseOptions {
  /** Open read-only (no migrations, no stale-run marking). The schema must be current. */
  readonly?: boolean;
  /** Refuse to create the file (commands that list or change what was recorded): a missing
   *  database is a TrackingFileError naming the path, not a new empty file in the wrong folder. */
  mustExist?: boolean;
  /** How long one statement waits for the write lock before SQLITE_BUSY (ms). */
  busyTimeoutMs?: number;
  retry?: RetryOptions;
  /** Migrations to apply (tests); defaults to MIGRATIONS. */
  migrations?: readonly Migration[];
}

export function openDatabase(path: string, opts: OpenDatabaseOptions = {}): Database.Database {
  const file = path === ':memory:' ? path : resolve(path);
  try {
    return openFile(file, opts);
  } catch (err) {
    throw sqliteFileError(err, file) ?? err; // read-only, damaged, full: one line naming the file
  }
}

function openFile(file: string, opts: OpenDatabaseOptions): Database.Database {
  if (opts.mustExist && file !== ':memory:' && !existsSync(file)) {
    throw new TrackingFileError(`no tracking database at ${file}: nothing was recorded there yet; train a run first (workbench train), or point --db (WORKBENCH_DB, tracking.db) at your database`, 'missing', file);
  }
  if (file !== ':memory:' && !opts.readonly) mkdirSync(dirname(file), { recursive: true });
  const retry = opts.retry ?? DEFAULT_RETRY;
  const db = new Database(file, {
    readonly: opts.readonly ?? false,
    fileMustExist: opts.readonly ?? false,
    timeout: opts.busyTimeoutMs ?? 10_000,
  });
  try {
    if (!opts.readonly) {
      // Switching to WAL needs a brief exclusive lock: retry when another process is opening too.
      withBusyRetry(() => db.pragma('journal_mode = WAL'), retry);
      db.pragma('synchronous = NORMAL'); // durable across app crashes in WAL; fast commits
    }
    db.pragma('foreign_keys = ON');
    migrate(db, file, opts.migrations ?? MIGRATIONS, opts.readonly ?? false, retry);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(
  db: Database.Database,
  file: string,
  migrations: readonly Migration[],
  readonly: boolean,
  retry: RetryOptions,
): void {
  const target = migrations.length;
  const check = (current: number) => {
    if (current > target) {
      throw new TrackingSchemaError(
        `${file} has tracking schema version ${current}, but this workbench only knows up to version ${target}: ` +
          'upgrade workbench, or point tracking.db at another file',
      );
    }
  };
  const before = userVersion(db);
  check(before);
  if (before === target) return;
  if (readonly) {
    throw new TrackingSchemaError(
      `${file} has tracking schema version ${before}, expected ${target}: open it once read-write to migrate`,
    );
  }
  // IMMEDIATE: take the write lock first, then re-read the version, so two processes opening a
  // fresh file at once apply each migration exactly once. The "is this a workbench file?" check
  // reads the tables under that lock too: read before it, another process's just-committed
  // migration would look like a foreign database (its tables, but our version read said 0).
  const apply = db.transaction(() => {
    const current = userVersion(db);
    check(current);
    if (current === 0) assertEmptyOrWorkbench(db, file);
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations.slice(current)) {
      db.exec(m.sql);
      m.up?.(db);
      record.run(m.version, m.name, Date.now());
    }
    db.pragma(`user_version = ${target}`);
  });
  withBusyRetry(() => apply.immediate(), retry);
}

function assertEmptyOrWorkbench(db: Database.Database, file: string): void {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  const foreign = tables.filter((t) => t !== 'schema_migrations');
  if (foreign.length > 0) {
    throw new TrackingSchemaError(
      `${file} is an SQLite database that is not a workbench tracking store (tables: ${foreign.slice(0, 5).join(', ')}): ` +
        'point tracking.db at another file',
    );
  }
}

export { SCHEMA_VERSION };
