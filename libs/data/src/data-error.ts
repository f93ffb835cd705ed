/**
 * What kind of data problem a DataError is, for callers that react differently (`data info`
 * reports a missing split and goes on; `eval` falls back from test/ to val/): `missing-root`,
 * `missing-split` (no such folder), `empty-split` (a folder without images), `unreadable` (a file
 * that is not a readable or well-formed image), `invalid` (anything else: options, sizes).
 */
export type DataErrorKind = 'missing-root' | 'missing-split' | 'empty-split' | 'unreadable' | 'invalid';

/**
 * A problem with the user's data or data options (missing folder, corrupt image, bad size).
 * The message is one line that names the file or folder and says how to fix it; the CLI prints
 * it without a stack trace.
 */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    readonly kind: DataErrorKind = 'invalid',
  ) {
    super(message);
  }
}
