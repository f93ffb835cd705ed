// SQLite errors that are about the database file, not the caller: one line naming the file and
// what to do, instead of a stack trace. Nothing is changed: a failed write rolls back, and a
// damaged file is never rewritten.
import { TrackingFileError } from './errors.js';

const KINDS: Array<[RegExp, Exclude<TrackingFileError['kind'], 'missing'>]> = [
  [/^SQLITE_FULL/, 'full'],
  [/^SQLITE_READONLY/, 'read-only'],
  [/^SQLITE_(NOTADB|CORRUPT)/, 'damaged'],
  [/^SQLITE_(CANTOPEN|PERM)/, 'unopenable'],
];

/** `err` as a TrackingFileError about `file`, or undefined when it is about something else. */
export function sqliteFileError(err: unknown, file: string): TrackingFileError | undefined {
  if (err instanceof TrackingFileError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  const kind = KINDS.find(([re]) => re.test(code))?.[1];
  if (kind === undefined) return undefined;
  const said = (err as Error).message;
  const message = {
    full: `disk full at ${file} (${said}): free space on that disk, or point tracking.db at another one; what was recorded before is kept`,
    'read-only': `${file} is read-only for this user (${said}): make the file and its folder writable (SQLite also writes ${file}-wal and ${file}-shm beside it), or point tracking.db at another file`,
    damaged: `${file} is damaged or not an SQLite database (${said}): it was left as it is; move it aside and restore a backup, or point tracking.db at a new file`,
    unopenable: `${file} cannot be opened (${said}): check that its folder exists and this user may read and write both, or point tracking.db at another file`,
  }[kind];
  return new TrackingFileError(message, kind, file);
}
