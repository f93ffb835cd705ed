// Files the API may serve: only regular files inside a run folder. A path from a request or a
// database row is resolved against the run folder, then its real path (symlinks followed) must
// still lie inside the folder's real path; `..`, absolute paths and NUL bytes are refused early.
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { forbidden, notFound } from './http-error.js';

/** Resolve `relative` inside `root` or throw 403 (escape attempt) / 404 (missing file). */
export function resolveInside(root: string, relative: string): string {
  if (relative.includes('\0')) throw forbidden('path refused: NUL byte');
  const normalized = relative.replace(/\\/g, '/');
  if (path.posix.isAbsolute(normalized) || path.win32.isAbsolute(relative)) throw forbidden('path refused: absolute paths are not served');
  if (normalized.split('/').includes('..')) throw forbidden('path refused: ".." is not allowed');
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    throw notFound('run folder not found');
  }
  const candidate = path.resolve(realRoot, normalized);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw notFound(`file not found: ${normalized}`);
  }
  if (!isInside(realRoot, real)) throw forbidden('path refused: it leaves the run folder');
  if (!statSync(real).isFile()) throw notFound(`not a file: ${normalized}`);
  return real;
}

/** A path from the store (absolute, or relative to the run folder) as a path relative to the run folder, or null if it is outside. */
export function relativeToRun(runDir: string, stored: string): string | null {
  const abs = path.resolve(runDir, stored);
  if (!isInside(path.resolve(runDir), abs)) return null;
  return path.relative(path.resolve(runDir), abs).split(path.sep).join('/');
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
