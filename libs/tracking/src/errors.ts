// Errors the tracking store throws on caller mistakes; the CLI maps them to one-line messages.

/** The database file cannot be used by this version (newer schema, not a workbench DB, ...). */
export class TrackingSchemaError extends Error {
  override name = 'TrackingSchemaError';
}

/** A bad argument: unknown run id, invalid filter key, bad status, ... */
export class TrackingInputError extends Error {
  override name = 'TrackingInputError';
}

/** The database file itself cannot be used: read-only, damaged, not SQLite, or its disk is full.
 *  The message names the file and what to do; the file is left as it is. */
export class TrackingFileError extends Error {
  override name = 'TrackingFileError';
  constructor(
    message: string,
    readonly kind: 'full' | 'read-only' | 'damaged' | 'unopenable' | 'missing',
    readonly file: string,
  ) {
    super(message);
  }
}

/** A write that contradicts what is stored: e.g. a second answer under one judgment key (the
 *  realism study takes one answer per served pair). HTTP 409. */
export class TrackingConflictError extends TrackingInputError {
  override name = 'TrackingConflictError';
}
