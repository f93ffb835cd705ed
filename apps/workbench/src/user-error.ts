import { isValidId } from '@workbench/tracking';

/**
 * An error caused by user input (a bad override, a missing folder, an unknown run id). The CLI
 * prints its message as one line, without a stack trace, and exits with `exitCode`.
 * Libraries throw their own error classes; `withUserErrors` / `toUserError` map the ones a
 * command knows to be user mistakes onto this.
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

/** A run or sweep id given on the command line, checked against the one id pattern. */
export function cliId(id: string, what: 'run' | 'sweep' | 'run or sweep'): string {
  if (!isValidId(id)) throw new UserError(`'${String(id)}' is not a ${what} id (ids are letters, digits, "_" and "-"): copy it from 'workbench runs' or 'workbench sweep list'`);
  return id;
}

/** A library error class whose instances mean "the user got something wrong". */
export type UserMistakeClass = abstract new (...args: never[]) => Error;

/** `err` as a UserError (same message) when it is an instance of one of `kinds`, else `err` itself. */
export function toUserError(err: unknown, kinds: readonly UserMistakeClass[]): unknown {
  return kinds.some((k) => err instanceof k) ? new UserError((err as Error).message) : err;
}

/** Runs `fn` (sync, or async: the promise is mapped); errors of `kinds` become UserErrors. */
export function withUserErrors<T>(kinds: readonly UserMistakeClass[], fn: () => T): T {
  let out: T;
  try {
    out = fn();
  } catch (err) {
    throw toUserError(err, kinds);
  }
  if (out instanceof Promise) {
    return out.catch((err: unknown) => {
      throw toUserError(err, kinds);
    }) as T;
  }
  return out;
}
