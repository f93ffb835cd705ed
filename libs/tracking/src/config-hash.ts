// Config identity. `configHash` names what a run computes; `groupKey` names the config "ignoring
// the seed" so runs that differ only by seed (or by bookkeeping such as the run name or where the
// database lives) land in one group for mean ± std.
import { createHash } from 'node:crypto';

/** Dotted keys (whole subtrees) that do not change what a run computes: names, paths, where
 *  it is tracked or launched, the sweep/job it belongs to. Same list as `@workbench/config`'s
 *  BOOKKEEPING_KEYS, so both libraries compute the same hashes. */
export const BOOKKEEPING_KEYS: readonly string[] = [
  'name',
  'resume',
  'backend',
  'tracking',
  'serve',
  'launcher',
  'sweep',
  'train.runs_dir',
  'eval.lpips_dir',
];

/** What `groupKey` leaves out: bookkeeping and the seed. */
export const GROUP_KEY_IGNORED: readonly string[] = [...BOOKKEEPING_KEYS, 'seed'];

/** JSON with object keys sorted at every level, so equal configs give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** Equal for configs that compute the same thing (seed included, bookkeeping left out). */
export function configHash(config: Record<string, unknown>): string {
  return sha(canonicalJson(omitKeys(config, BOOKKEEPING_KEYS)));
}

/** A copy of `config` without the given dotted keys (a key removes its whole subtree). */
export function omitKeys(config: Record<string, unknown>, ignored: readonly string[]): Record<string, unknown> {
  const walk = (obj: Record<string, unknown>, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (ignored.includes(path)) continue;
      out[k] = v && typeof v === 'object' && !Array.isArray(v) ? walk(v as Record<string, unknown>, path) : v;
    }
    return out;
  };
  return walk(config, '');
}

/** Equal for configs that differ only by seed (and bookkeeping). */
export function groupKey(config: Record<string, unknown>, ignored: readonly string[] = GROUP_KEY_IGNORED): string {
  return sha(canonicalJson(omitKeys(config, ignored)));
}
