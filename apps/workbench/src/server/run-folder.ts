// Where a run's files are. The store records `runDir` as the trainer saw it (often relative to the
// trainer's working directory, which is also where the database lives by default), so relative
// folders are resolved against the database's folder; runs without one fall back to
// `<runsRoot>/<run-id>` (the ARCHITECTURE run-folder layout).
import { existsSync, readdirSync } from 'node:fs';
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

/** Newest `checkpoints/step-N` folder that holds G.safetensors and a state.json (complete). */
export function newestCheckpoint(runDir: string): { dir: string; step: number } | undefined {
  const root = path.join(runDir, 'checkpoints');
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return undefined;
  }
  const steps = names
    .map((n) => /^step-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(path.join(root, m[0], 'G.safetensors')) && existsSync(path.join(root, m[0], 'state.json')))
    .map((m) => ({ dir: path.join(root, m[0]), step: Number(m[1]) }))
    .sort((a, b) => a.step - b.step);
  return steps.at(-1);
}
