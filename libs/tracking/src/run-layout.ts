// Which names may be run and sweep ids, and where a run's files live. Ids are plain names (one
// pattern, checked wherever an id is accepted: the store, remote ingest, API routes, CLI lookups),
// so an id can be a folder name and a URL segment as is. A run's folder is always
// `<runs root>/<run id>`: a path recorded in the database (which remote clients can write) is
// never followed. The runs root is `train.runs_dir` (the trainer creates folders there).
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { TrackingInputError } from './errors.js';

/** Run and sweep ids: `20261128-081021-3fa9c2d1`, `sweep-20261128-081021-3fa9c2d1`, `my_run-2`. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const ID_RULE = 'a letter or digit, then letters, digits, "_" or "-", at most 128 characters';

export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/** `id` if it is a valid run/sweep id, else a TrackingInputError naming the rule. */
export function assertValidId(id: unknown, what: 'run' | 'sweep'): string {
  if (isValidId(id)) return id;
  const shown = typeof id === 'string' ? JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}...` : id) : typeof id;
  throw new TrackingInputError(`invalid ${what} id ${shown}: use ${ID_RULE}`);
}

/** A run folder that is not where the layout puts it (a symlink leaving the runs root). */
export class RunFolderError extends TrackingInputError {
  override name = 'RunFolderError';
}

/** `<runsRoot>/<runId>` (absolute). Throws on an invalid id. */
export function runFolder(runsRoot: string, runId: string): string {
  return path.join(path.resolve(runsRoot), assertValidId(runId, 'run'));
}

/** The run folder with symlinks followed; throws RunFolderError when its real path leaves the
 *  runs root's real path. A folder that does not exist (yet) is returned as laid out. */
export function realRunFolder(runsRoot: string, runId: string): string {
  const folder = runFolder(runsRoot, runId);
  let real: string;
  try {
    real = realpathSync(folder);
  } catch {
    return folder;
  }
  const rel = path.relative(realpathSync(path.resolve(runsRoot)), real);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new RunFolderError(`the folder of run ${runId} resolves to ${real}, outside the runs root ${path.resolve(runsRoot)}: it is not served`);
  }
  return real;
}
