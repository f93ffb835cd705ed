// The schema, as an ordered list of migrations. NEVER edit a migration that has shipped: append a
// new one. `PRAGMA user_version` holds the number of applied migrations; `schema_migrations`
// records them for humans. Times are epoch milliseconds; JSON columns hold JSON text.
// Each migration runs inside the one transaction that applies all pending ones.
import type Database from 'better-sqlite3';
import { RollupMaintainer } from './metric-rollups.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Data migration run after `sql` (backfills). */
  up?: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema: sweeps, jobs, runs, metrics, artifacts, eval results, judgments, ingest keys',
    sql: `
CREATE TABLE sweeps (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL DEFAULT '',
  experiment  TEXT,
  status      TEXT NOT NULL DEFAULT 'pending',
  grid        TEXT NOT NULL DEFAULT '{}',   -- JSON {key: [values]}
  overrides   TEXT NOT NULL DEFAULT '[]',   -- JSON ["key=value", ...] shared by all jobs
  launcher    TEXT NOT NULL DEFAULT '{}',   -- JSON launcher options (local / slurm)
  sweep_dir   TEXT,
  command     TEXT,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE sweep_jobs (
  sweep_id            TEXT NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
  job_id              TEXT NOT NULL,          -- stable inside the sweep
  idx                 INTEGER NOT NULL,       -- array index
  overrides           TEXT NOT NULL DEFAULT '[]',
  status              TEXT NOT NULL DEFAULT 'pending',
  run_id              TEXT,
  attempts            INTEGER NOT NULL DEFAULT 0,
  slurm_job_id        TEXT,
  slurm_array_task_id INTEGER,
  exit_reason         TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  started_at          INTEGER,
  ended_at            INTEGER,
  PRIMARY KEY (sweep_id, job_id),
  UNIQUE (sweep_id, idx)
);

CREATE TABLE runs (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL DEFAULT '',
  method           TEXT NOT NULL,
  config           TEXT NOT NULL,           -- JSON, full resolved config
  config_hash      TEXT NOT NULL,
  group_key        TEXT NOT NULL,           -- config hash ignoring seed and bookkeeping keys
  seed             INTEGER,
  status           TEXT NOT NULL CHECK (status IN ('running','finished','failed','killed','crashed')),
  exit_reason      TEXT,
  experiment       TEXT,
  created_at       INTEGER NOT NULL,
  started_at       INTEGER NOT NULL,
  ended_at         INTEGER,
  heartbeat_at     INTEGER NOT NULL,
  git_commit       TEXT,
  git_dirty        INTEGER,                 -- 0/1/NULL
  host             TEXT,
  pid              INTEGER,
  backend          TEXT,
  package_versions TEXT NOT NULL DEFAULT '{}',
  command          TEXT,
  run_dir          TEXT,
  sweep_id         TEXT REFERENCES sweeps(id) ON DELETE SET NULL,
  job_id           TEXT,
  tags             TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
  notes            TEXT,
  resumes          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_created ON runs(created_at);
CREATE INDEX runs_status_heartbeat ON runs(status, heartbeat_at);
CREATE INDEX runs_sweep_job ON runs(sweep_id, job_id);
CREATE INDEX runs_group ON runs(group_key);
CREATE INDEX runs_method ON runs(method);

-- One row per (run, metric key); points hang off its integer id so the big table stays narrow.
CREATE TABLE metric_series (
  id      INTEGER PRIMARY KEY,
  run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key     TEXT NOT NULL,
  UNIQUE (run_id, key)
);

-- PK (series, step): re-logging a step after resume REPLACES the point; a series read is a
-- clustered range scan. value NULL = NaN.
CREATE TABLE metric_points (
  series_id  INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
  step       INTEGER NOT NULL,
  value      REAL,
  wall_time  INTEGER NOT NULL,
  PRIMARY KEY (series_id, step)
) WITHOUT ROWID;
-- min/max of a series in O(log n) for run tables.
CREATE INDEX metric_points_value ON metric_points(series_id, value);

-- Convenience view for sqlite3 users: one row per point with run id and key.
CREATE VIEW metrics AS
  SELECT s.run_id AS run_id, s.key AS key, p.step AS step, p.value AS value, p.wall_time AS wall_time
  FROM metric_points p JOIN metric_series s ON s.id = p.series_id;

CREATE TABLE artifacts (
  id          INTEGER PRIMARY KEY,
  run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,                -- train_grid, eval_grid, checkpoint, ...
  step        INTEGER,
  path        TEXT NOT NULL,
  meta        TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX artifacts_unique ON artifacts(run_id, kind, ifnull(step, -1), path);
CREATE INDEX artifacts_run_kind_step ON artifacts(run_id, kind, step);

CREATE TABLE eval_results (
  run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  metric      TEXT NOT NULL,
  value       REAL,
  stderr      REAL,
  n           INTEGER,
  step        INTEGER,
  details     TEXT NOT NULL DEFAULT '{}',
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (run_id, metric)
);

CREATE TABLE judgments (
  id           INTEGER PRIMARY KEY,
  run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  real_ref     TEXT NOT NULL,
  fake_ref     TEXT NOT NULL,
  chosen       TEXT NOT NULL CHECK (chosen IN ('real','fake')),  -- what the participant took for real
  response_ms  INTEGER,
  shown_ms     INTEGER,
  real_side    TEXT CHECK (real_side IN ('left','right')),
  participant  TEXT,
  session      TEXT,
  idem_key     TEXT UNIQUE,
  created_at   INTEGER NOT NULL
);
CREATE INDEX judgments_run ON judgments(run_id);

-- Idempotency keys of applied ingest records (remote tracking): a replayed record is a no-op.
CREATE TABLE ingest_keys (
  key         TEXT PRIMARY KEY,
  applied_at  INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    version: 2,
    name: 'metric summaries in metric_series + 256-step rollups; drop the (series, value) index',
    // The value index made every point insert a random B-tree write (14x slower writes); the
    // summary columns and rollups give min/max/last in O(1) and long-range charts in O(n/256).
    sql: `
DROP INDEX metric_points_value;
ALTER TABLE metric_series ADD COLUMN n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE metric_series ADD COLUMN first_step INTEGER;
ALTER TABLE metric_series ADD COLUMN last_step INTEGER;
ALTER TABLE metric_series ADD COLUMN last_value REAL;     -- NULL = NaN (or no point)
ALTER TABLE metric_series ADD COLUMN last_wall INTEGER;
ALTER TABLE metric_series ADD COLUMN min_value REAL;      -- over non-NaN values
ALTER TABLE metric_series ADD COLUMN max_value REAL;

-- One row per (series, step >> 8): the points of 256 consecutive steps folded.
CREATE TABLE metric_rollups (
  series_id  INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
  bucket     INTEGER NOT NULL,
  n          INTEGER NOT NULL,     -- points
  n_values   INTEGER NOT NULL,     -- non-NaN points
  sum_value  REAL,                 -- NULL when undefined (inf - inf)
  min_value  REAL, min_step INTEGER, min_wall INTEGER,
  max_value  REAL, max_step INTEGER, max_wall INTEGER,
  PRIMARY KEY (series_id, bucket)
) WITHOUT ROWID;
`,
    up(db) {
      const rollups = new RollupMaintainer(db);
      for (const id of db.prepare('SELECT id FROM metric_series').pluck().all() as number[]) rollups.rebuildSeries(id);
    },
  },
  {
    version: 3,
    name: 'archive state of runs and sweeps; practice flag on realism judgments',
    // Archiving hides a run or sweep from the default listings without losing anything;
    // practice answers (the study's warm-up trials with feedback) are kept but never counted.
    sql: `
ALTER TABLE runs ADD COLUMN archived_at INTEGER;          -- NULL = not archived
ALTER TABLE sweeps ADD COLUMN archived_at INTEGER;
ALTER TABLE judgments ADD COLUMN practice INTEGER NOT NULL DEFAULT 0;   -- 1 = warm-up trial, never counted
CREATE INDEX judgments_participant ON judgments(participant);
`,
  },
  {
    version: 4,
    name: 'version of the stored run config',
    // The config schema's version a run's config was stored with (run/stored-config.ts migrates
    // older ones when they are read back); NULL = stored before versioning (version 1).
    sql: `
ALTER TABLE runs ADD COLUMN config_version INTEGER;
`,
  },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;
