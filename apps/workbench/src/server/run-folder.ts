// Where a run's files are. The store records `runDir` as the trainer saw it (often relative to the
// trainer's working directory, which is also where the database lives by default), so relative
// folders are resolved against the database's folder; runs without one fall back to
// `<runsRoot>/<run-id>` (the ARCHITECTURE run-folder layout). The checkpoints inside are found by
// `@workbench/training`'s `latestCheckpoint`, which owns that layout.
import path from 'node:path';
import type { RunRow } from '@workbench/tracking';

export interface RunFolderOptions {
  /** Folder that relative run folders are resolved against (default: the database's folder). */
  baseDir: string;
  /** Default parent of run folders (default: `<baseDir>/runs`). */
  runsRoot: string;
}

export function runFolder(run: Pick<RunRow, 'id' | 'runDir'>, opts: RunFolderOptions): string {
  if (run.runDir) return path.resolve(opts.baseDir, run.runDir);
  return path.join(opts.runsRoot, run.id);
}
