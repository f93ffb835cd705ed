// The value a test is about to read through, or a failure naming what was missing: an indexed
// read (`rows[0]`, `map.get(k)`) is `T | undefined` under noUncheckedIndexedAccess, and a
// missing element should fail the test with its name, not a TypeError two lines later.
export function defined<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, got ${String(value)}`);
  return value;
}
