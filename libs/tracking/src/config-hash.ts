// Config identity, as the store records it on each run: `configHash` names what a run computes;
// `groupKey` names the config "ignoring the seed" so runs that differ only by seed (or by
// bookkeeping such as the run name or where the database lives) land in one group for mean ± std.
// The hashing and the bookkeeping list are `@workbench/config`'s, so both libraries agree.
import { BOOKKEEPING_KEYS, hashConfig } from '@workbench/config';

export { BOOKKEEPING_KEYS };

/** What `groupKey` leaves out: bookkeeping and the seed. */
export const GROUP_KEY_IGNORED: readonly string[] = [...BOOKKEEPING_KEYS, 'seed'];

/** Equal for configs that compute the same thing (seed included, bookkeeping left out). */
export function configHash(config: Record<string, unknown>): string {
  return hashConfig(config, BOOKKEEPING_KEYS);
}

/** Equal for configs that differ only by seed (and bookkeeping). */
export function groupKey(config: Record<string, unknown>, ignored: readonly string[] = GROUP_KEY_IGNORED): string {
  return hashConfig(config, ignored);
}
