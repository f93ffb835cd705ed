/**
 * A problem with the user's data or data options (missing folder, corrupt image, bad size).
 * The message is one line that names the file or folder and says how to fix it; the CLI prints
 * it without a stack trace.
 */
export class DataError extends Error {
  override name = 'DataError';
}
