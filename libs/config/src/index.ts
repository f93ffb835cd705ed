// @workbench/config: Hydra-like experiment configs on a convict schema: groups, defaults lists,
// overrides, interpolation, multirun. See README.md.
export { ConfigError } from './config-error.js';
export { composeConfig, overrideText, EXPERIMENT_KEY, type ComposeOptions, type ComposeResult } from './compose.js';
export { parseOverride, parseOverrides, formatOverride, type Override, type OverrideKind } from './overrides.js';
export { parseValue, formatValue, type ConfigValue, type ParsedValue } from './value-syntax.js';
export { expandMultirun, planMultirun, jobId, type MultirunJob, type MultirunPlan } from './multirun.js';
export { configHash, groupKey, hashConfig, BOOKKEEPING_KEYS, GROUP_KEY_IGNORED } from './config-hash.js';
export { formatConfig, schemaHelp } from './format-config.js';
export { resolvedConfigFrom } from './resolved-config.js';
export { listExperiments, listGroups, listOptions } from './config-files.js';
export {
  SCHEMA,
  METHODS,
  PAIR_MODES,
  LPIPS_VERSIONS,
  BACKENDS,
  LAUNCHERS,
  schemaEntries,
  createConvict,
  type ResolvedConfig,
  type Method,
  type PairMode,
  type LpipsVersion,
  type BackendChoice,
  type LauncherType,
  type SchemaEntry,
} from './schema.js';
export { findProjectRoot, type ProjectRoot } from './project-root.js';
export { findWorkbenchRoot, workbenchPackage, WORKBENCH_PACKAGE_NAME, WORKBENCH_ROOT, type WorkbenchPackage } from './workbench-root.js';
export { configSearchPath, ConfigSearchPath, BUILTIN_EXPERIMENTS_DIR, type SearchPathEntry, type SearchPathOptions } from './search-path.js';
