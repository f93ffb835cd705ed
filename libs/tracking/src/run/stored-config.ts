// THE config stored with a run: written with a version (`CONFIG_VERSION`, in the runs row's
// `config_version` and as the first line of the run folder's config.yaml), and read back through
// the config schema (`resolvedConfigFrom`, the validator composeConfig uses) after the migrations
// from its version up. Resume, eval and the dashboard's explorer read a run's config here only, so
// after a schema change an older run either migrates or fails at once with one line naming the
// run and the key, not somewhere deep in training.
import { ConfigError, resolvedConfigFrom, type ResolvedConfig } from '@workbench/config';
import { TrackingInputError } from '../errors.js';
import type { RunRow } from '../types.js';

type ConfigTree = Record<string, unknown>;

/** One step of the stored config's history: turns a version `from` config into a `from + 1` one. */
interface ConfigMigration {
  from: number;
  /** What changed in the schema between the two versions. */
  change: string;
  up(config: ConfigTree): ConfigTree;
}

/** Sets `key` (dotted) to `value` when the stored config does not have it. */
function withDefault(config: ConfigTree, key: string, value: unknown): ConfigTree {
  const out = structuredClone(config);
  const parts = key.split('.');
  let node = out;
  for (const part of parts.slice(0, -1)) {
    const child = node[part];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[part] = {};
    node = node[part] as ConfigTree;
  }
  const leaf = parts.at(-1)!;
  if (!(leaf in node)) node[leaf] = value;
  return out;
}

/** Older stored configs, one function per version step (a list: v(n) -> v(n+1)). */
export const CONFIG_MIGRATIONS: readonly ConfigMigration[] = [
  {
    from: 1,
    // Version 1 is every config stored before versioning. Keys the schema gained since then get
    // its default when reading (resolvedConfigFrom); these three get what older code did instead:
    // in-training evaluation and checkpoint retention did not exist, so they stay off.
    change: 'train.eval_every, train.keep_checkpoints and train.best_metric: absent = off',
    up: (c) => withDefault(withDefault(withDefault(c, 'train.eval_every', 0), 'train.keep_checkpoints', 0), 'train.best_metric', ''),
  },
];

/** The version configs are stored with now. */
export const CONFIG_VERSION = CONFIG_MIGRATIONS.length + 1;

/** A run's stored config that cannot be read back: one line naming the run and the key. */
export class StoredConfigError extends TrackingInputError {
  override name = 'StoredConfigError';
}

/** The fields of `createRun` that store a config: the config and the version it is stored with. */
export function storedConfigFields(config: ResolvedConfig): { config: Record<string, unknown>; configVersion: number } {
  return { config: structuredClone(config) as unknown as Record<string, unknown>, configVersion: CONFIG_VERSION };
}

/** The first line of a run folder's config.yaml (a YAML comment: the file stays plain config). */
export function storedConfigHeader(): string {
  return `# config_version: ${CONFIG_VERSION} (@workbench/tracking run/stored-config.ts)\n`;
}

/** The config a run was stored with, migrated to CONFIG_VERSION and checked against the schema. */
export function storedConfigOf(run: Pick<RunRow, 'id' | 'config' | 'configVersion'>): ResolvedConfig {
  const version = run.configVersion;
  if (!Number.isInteger(version) || version < 1 || version > CONFIG_VERSION) {
    throw new StoredConfigError(
      `run ${run.id}: stored config version ${String(version)} is not one this workbench reads (1 to ${CONFIG_VERSION}): ${version > CONFIG_VERSION ? 'upgrade workbench' : 'the runs row is damaged'}`,
    );
  }
  let config: ConfigTree = run.config;
  for (const m of CONFIG_MIGRATIONS) if (m.from >= version) config = m.up(config);
  try {
    return resolvedConfigFrom(config, '');
  } catch (err) {
    if (err instanceof ConfigError) throw new StoredConfigError(`run ${run.id}: stored config (version ${version}): ${err.message}`);
    throw err;
  }
}
