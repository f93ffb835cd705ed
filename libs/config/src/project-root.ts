// The project a command works in: the folder whose `workbench.db` and `runs/` it uses, found the
// way git finds a repository, so that running from a subfolder never creates a second database.
//   1. WORKBENCH_HOME, if set;
//   2. else the nearest folder, from the working directory up, holding a `workbench.db` file or
//      an `experiments/` folder (the checkout, or a user's project);
//   3. else the working directory itself (a new project: its database is created there).
// WORKBENCH_CEILING_DIRS (paths joined by ':', as git's GIT_CEILING_DIRECTORIES) stops the walk
// below those folders: the tests set it to the system temp folder, so that a stray
// /tmp/workbench.db never becomes the project of a test's temp folder.
import { existsSync, statSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

export interface ProjectRoot {
  dir: string;
  /** How it was found, for `workbench where` and the paths a command prints. */
  reason: string;
}

/** The marker files of a project folder, in the order they are looked for. */
const MARKERS: Array<{ name: string; dir: boolean }> = [
  { name: 'workbench.db', dir: false },
  { name: 'experiments', dir: true },
];

function hasMarker(dir: string): string | undefined {
  for (const m of MARKERS) {
    const p = join(dir, m.name);
    if (existsSync(p) && statSync(p).isDirectory() === m.dir) return m.dir ? `${m.name}/` : m.name;
  }
  return undefined;
}

export function findProjectRoot(cwd: string, env: NodeJS.ProcessEnv = process.env): ProjectRoot {
  if (env.WORKBENCH_HOME) return { dir: resolve(cwd, env.WORKBENCH_HOME), reason: 'WORKBENCH_HOME' };
  const start = resolve(cwd);
  const ceilings = new Set((env.WORKBENCH_CEILING_DIRS ?? '').split(delimiter).filter(Boolean).map((d) => resolve(d)));
  for (let dir = start; ; dir = dirname(dir)) {
    if (dir !== start && ceilings.has(dir)) break;
    const marker = hasMarker(dir);
    if (marker) return { dir, reason: dir === start ? `${marker} in the working directory` : `nearest parent with ${marker}` };
    if (dirname(dir) === dir) break;
  }
  return { dir: start, reason: 'no workbench.db or experiments/ here or above: a new project in the working directory' };
}
