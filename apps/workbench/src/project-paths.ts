// "Which database and runs folder am I writing to?": every command that reads or writes the
// tracking store prints the answer, and `workbench where` explains it (project root and why,
// config search path).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ComposeResult } from '@workbench/config';
import { resolveRunsRoot } from '@workbench/tracking';

/** One line: database (absolute; `new` when it does not exist yet), runs folder and project. */
export function describePaths(result: ComposeResult): string {
  const db = resolve(result.config.tracking.db);
  const root = result.paths.projectRoot;
  return `database ${db}${existsSync(db) ? '' : ' (new)'} · runs ${resolveRunsRoot(result.config.train.runs_dir)} · project ${root.dir} (${root.reason})`;
}

/** The `hydra`-like block of `--cfg hydra|all` and `workbench where --json`. */
export function runtimeInfo(result: ComposeResult): Record<string, unknown> {
  return {
    project_root: result.paths.projectRoot.dir,
    project_root_reason: result.paths.projectRoot.reason,
    database: resolve(result.config.tracking.db),
    runs_dir: resolveRunsRoot(result.config.train.runs_dir),
    config_search_path: result.paths.searchPath,
    cwd: process.cwd(),
    overrides: result.overrides,
    experiment: result.experiment ?? null,
    choices: result.sources.groups,
    files: result.sources.files,
  };
}
