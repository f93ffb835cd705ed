// Integer command-line flags (`--count 16`, `--jobs 2`): one parser, one message.
import { UserError } from './user-error.js';

/** `value` given for `flag` as an integer >= `min`, else a one-line UserError. */
export function parseIntFlag(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${flag} ${value} is not valid: use an integer >= ${min}`);
  return n;
}

/** A commander option parser for `flag`: integers >= `min`. */
export function intFlag(flag: string, min: number): (value: string) => number {
  return (value) => parseIntFlag(flag, value, min);
}
