/** A user mistake about sweeps (unknown sweep id, unsupported launcher). One line, names the fix. */
export class SweepError extends Error {
  override name = 'SweepError';
}
