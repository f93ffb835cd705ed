// Stable hashes of a resolved config, the one implementation of config identity: `configHash`
// identifies what a run computes (bookkeeping such as the run name, paths or the sweep it belongs
// to is left out); `groupKey` also leaves out `seed`, so runs that differ only by seed share a key
// (`@workbench/tracking` records both on every run and groups runs over seeds by the key).
// Both take any config object: the store hashes stored configs, which are plain JSON.
import { createHash } from 'node:crypto';

/**
 * Keys (or whole namespaces) that do not change what a run computes, `sweep` included (the sweep
 * id and job id differ per job and must not split seed groups). `@workbench/tracking` hashes runs
 * with this list and `hashConfig` when it creates them.
 */
// train.eval_*: in-training evaluation changes nothing that is trained (tested in metrics), so
// runs with and without it, and runs recorded before the keys existed, share a hash.
export const BOOKKEEPING_KEYS = [
  'name', 'resume', 'backend', 'tracking', 'serve', 'launcher', 'sweep', 'train.runs_dir', 'eval.lpips_dir', 'eval.split',
  // Which checkpoints stay on disk does not change what is trained.
  'train.keep_checkpoints', 'train.best_metric',
  'train.eval_every', 'train.eval_inputs', 'train.eval_samples',
] as const;

function canonical(value: unknown, path: string, skip: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v, path, skip));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const key = path ? `${path}.${k}` : k;
      if (skip.includes(key) || (value as Record<string, unknown>)[k] === undefined) continue;
      out[k] = canonical((value as Record<string, unknown>)[k], key, skip);
    }
    return out;
  }
  return value;
}

/**
 * 16 hex chars of sha256 over the config as JSON with keys sorted at every level, the dotted
 * `skip` keys (whole subtrees) and undefined values left out.
 */
export function hashConfig(config: object, skip: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(config, '', skip)))
    .digest('hex')
    .slice(0, 16);
}

/** What `groupKey` leaves out: bookkeeping and the seed. */
export const GROUP_KEY_IGNORED: readonly string[] = [...BOOKKEEPING_KEYS, 'seed'];

/** 16 hex chars; equal for configs that compute the same thing (seed included). */
export function configHash(config: object): string {
  return hashConfig(config, BOOKKEEPING_KEYS);
}

/** 16 hex chars; equal for configs that differ only by `seed` (and bookkeeping). */
export function groupKey(config: object): string {
  return hashConfig(config, GROUP_KEY_IGNORED);
}
