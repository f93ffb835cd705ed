// Mapping between the `runs` table and `RunRow`.
import type { RunRow, RunStatus } from './types.js';

export interface RunDbRow {
  id: string;
  name: string;
  method: string;
  config?: string;
  config_hash: string;
  group_key: string;
  seed: number | null;
  status: RunStatus;
  exit_reason: string | null;
  experiment: string | null;
  created_at: number;
  started_at: number;
  ended_at: number | null;
  heartbeat_at: number;
  git_commit: string | null;
  git_dirty: number | null;
  host: string | null;
  pid: number | null;
  backend: string | null;
  package_versions: string;
  command: string | null;
  run_dir: string | null;
  config_version: number | null;
  sweep_id: string | null;
  job_id: string | null;
  tags: string;
  notes: string | null;
  resumes: number;
  archived_at: number | null;
}

/** Every runs column but `config` (the big one), for listings that do not need it. */
export const RUN_COLUMNS_NO_CONFIG =
  'r.id, r.name, r.method, r.config_hash, r.group_key, r.seed, r.status, r.exit_reason, r.experiment, r.created_at, ' +
  'r.started_at, r.ended_at, r.heartbeat_at, r.git_commit, r.git_dirty, r.host, r.pid, r.backend, r.package_versions, ' +
  'r.command, r.run_dir, r.sweep_id, r.job_id, r.tags, r.notes, r.resumes, r.archived_at, r.config_version';

export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text == null || text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toRunRow(r: RunDbRow, includeConfig = true): RunRow {
  return {
    id: r.id,
    name: r.name,
    method: r.method,
    config: includeConfig && r.config !== undefined ? parseJson<Record<string, unknown>>(r.config, {}) : {},
    configHash: r.config_hash,
    groupKey: r.group_key,
    seed: r.seed,
    status: r.status,
    exitReason: r.exit_reason,
    experiment: r.experiment,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    heartbeatAt: r.heartbeat_at,
    durationMs: Math.max(0, (r.ended_at ?? r.heartbeat_at) - r.started_at),
    gitCommit: r.git_commit,
    gitDirty: r.git_dirty == null ? null : r.git_dirty !== 0,
    host: r.host,
    pid: r.pid,
    backend: r.backend,
    packageVersions: parseJson<Record<string, string>>(r.package_versions, {}),
    command: r.command,
    runDir: r.run_dir,
    configVersion: r.config_version ?? 1,
    sweepId: r.sweep_id,
    jobId: r.job_id,
    tags: parseJson<string[]>(r.tags, []),
    notes: r.notes,
    resumes: r.resumes,
    archivedAt: r.archived_at ?? null,
  };
}
