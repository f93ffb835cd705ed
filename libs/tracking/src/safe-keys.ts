// User-supplied names (config keys, metric keys, filter keys, record fields) become object
// properties in many places. These names would reach Object.prototype instead, so they are
// refused wherever a user key is accepted, and maps keyed by user input have no prototype.
import { TrackingInputError } from './errors.js';

export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** The first reserved segment of a dotted key (`model.__proto__.x` -> `__proto__`), if any. */
export function reservedSegment(dottedKey: string): string | undefined {
  return dottedKey.split('.').find((s) => RESERVED_KEYS.has(s));
}

/** Throw a TrackingInputError when a (dotted) key uses a reserved name. */
export function assertSafeKey(dottedKey: string, what: string): void {
  const bad = reservedSegment(dottedKey);
  if (bad !== undefined) throw new TrackingInputError(`${what} "${dottedKey}" uses the reserved name "${bad}": rename it`);
}

/** An empty object without a prototype: safe to index with any user key. */
export function nullProto<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
