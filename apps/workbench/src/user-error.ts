/**
 * An error caused by user input (a bad override, a missing folder, an unknown run id). The CLI
 * prints its message as one line, without a stack trace, and exits with `exitCode`.
 * Libraries throw their own error classes; `toUserError` maps the known ones onto this.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
