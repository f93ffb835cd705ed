// Hydra-like composition: schema defaults (and env vars) < the primary config
// `experiments/config.yaml` and its defaults list < the selected experiment (`+experiment=...`)
// < command-line overrides; then `${...}` interpolation and strict validation.
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { findConfigFile, readConfigFile, type DefaultsEntry } from './config-files.js';
import { findProjectRoot, type ProjectRoot } from './project-root.js';
import { configSearchPath, type ConfigSearchPath } from './search-path.js';
import { resolveInterpolations } from './interpolation.js';
import { getPath, isPlainObject, setPath, type ConfigTree } from './object-path.js';
import { parseOverrides, type Override } from './overrides.js';
import { createConvict, schemaEntries, type ResolvedConfig } from './schema.js';
import { didYouMean } from './suggest.js';
import { coerce, isNamespace, schemaEntry, typedOverrideValue, unknownKeyError, validateTree } from './validate.js';
import { formatValue, type ConfigValue } from './value-syntax.js';

export interface ComposeOptions {
  overrides?: readonly string[];
  /** Search only this folder. Default: the search path of search-path.ts (the user's folder,
   *  then the workbench's own `experiments/`). */
  experimentsDir?: string;
  /** The user's config folder (CLI --config-dir); default env WORKBENCH_CONFIG_DIR, else
   *  `<project root>/experiments`. */
  configDir?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ComposeResult {
  config: ResolvedConfig;
  /** The overrides as given. */
  overrides: string[];
  /** The selected experiment (`paper/encoder_injection`), if any. */
  experiment?: string;
  sources: {
    /** Files merged, in order, relative to the experiments folder. */
    files: string[];
    /** Final config group selections (`{data: 'shapes', scale: 'cpu'}`). */
    groups: Record<string, string>;
    /** Where each key that is not a schema default got its value ("experiments/x.yaml", "override 'k=v'", "env"). */
    keys: Record<string, string>;
  };
  /** Where the config came from and where the run's files go (`workbench where`, `--cfg hydra`). */
  paths: {
    /** The config search path, first folder wins. */
    searchPath: string[];
    /** The project whose database and runs folder relative defaults resolve against. */
    projectRoot: ProjectRoot;
  };
  /** The composed tree before `${...}` interpolation (`--cfg` without `--resolve`). */
  unresolved: ConfigTree;
}

/** Keys holding the project's files: a relative default (or config file value) resolves against
 *  the project root, so every folder of a project shares one database and one runs folder. A
 *  value given on the command line or in an env var is a path as typed, relative to the working
 *  directory. */
const PROJECT_PATH_KEYS = ['tracking.db', 'train.runs_dir'];

/** The pseudo-group that selects an experiment file anywhere under the experiments folder. */
export const EXPERIMENT_KEY = 'experiment';
const PRIMARY = 'config';

interface MergeItem {
  file: string;
  body: ConfigTree;
}

/** A defaults-list entry tagged with where it came from; experiments are includes. */
type Entry = DefaultsEntry & { from: string; fromDir: string };

function defaultBase(env: NodeJS.ProcessEnv): { tree: ConfigTree; envKeys: Record<string, string> } {
  const tree = createConvict(env).getProperties() as unknown as ConfigTree;
  const envKeys: Record<string, string> = {};
  for (const e of schemaEntries()) if (e.env && env[e.env] !== undefined) envKeys[e.key] = `env ${e.env}`;
  return { tree: structuredClone(tree), envKeys };
}

/** Place a body at its package: group files default to the group's package (`model/x.yaml` → `model.*`). */
function packaged(body: ConfigTree, header: string | undefined, defaultPackage: string): ConfigTree {
  const pkg = header === undefined ? defaultPackage : header === '_global_' ? '' : header === '_group_' ? defaultPackage : header;
  if (pkg === '') return body;
  // Tolerance for files written with their package spelled out (`data:` at the top of data/x.yaml).
  const keys = Object.keys(body);
  if (header === undefined && keys.length === 1 && keys[0] === pkg && isPlainObject(body[pkg]) && !schemaEntry(`${pkg}.${pkg}`)) {
    return body;
  }
  const out: ConfigTree = {};
  setPath(out, pkg.replace(/\//g, '.'), body);
  return out;
}

/** Leaves of a validated tree, stopping at schema leaves (so `sweep.params` stays one value). */
export function schemaLeaves(tree: ConfigTree, prefix = ''): Array<[string, ConfigValue]> {
  const out: Array<[string, ConfigValue]> = [];
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (schemaEntry(key)) out.push([key, v]);
    else if (isPlainObject(v)) out.push(...schemaLeaves(v, key));
  }
  return out;
}

/**
 * Resolve `${group}` in a defaults-list option to that group's choice (`cpu: ${data}` → `cpu: facades`).
 * A group not chosen (yet, in this round of the fixpoint) gives null: the entry is skipped.
 */
function groupChoiceInterpolation(option: string, choiceOf: (group: string) => string | null | undefined, from: string): string | null {
  if (!option.includes('${')) return option;
  let unresolved = false;
  const out = option.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    const group = name.trim().replace(/^\/+/, '');
    if (!/^[\w/-]+$/.test(group)) throw new ConfigError(`${from}: defaults entry option '${option}' may only interpolate a config group's choice, e.g. \${data}`);
    const choice = choiceOf(group);
    if (choice === null || choice === undefined) unresolved = true;
    return choice ?? '';
  });
  return unresolved ? null : out;
}

/**
 * The config a run uses: the search path's defaults lists and files, the selected experiment and
 * the command-line overrides merged over the schema defaults, interpolated and validated once.
 */
export function composeConfig(opts: ComposeOptions = {}): ComposeResult {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const searchPath = configSearchPath({ cwd, env, configDir: opts.configDir, experimentsDir: opts.experimentsDir });
  const groups = searchPath.groups(); // read from disk once
  const rawOverrides = [...(opts.overrides ?? [])];
  const sorted = sortOverrides(parseOverrides(rawOverrides), searchPath, groups, cwd);
  const root = rootDefaultsList(sorted, searchPath, cwd);
  const { choices, merge } = walkDefaultsTree(root, sorted.cliGroups, searchPath, groups);
  const { tree, origin } = mergeLayers(merge, sorted.keyOverrides, groups, env);
  const unresolved = structuredClone(tree);
  const config = interpolateAndValidate(tree, origin, env);
  const projectRoot = findProjectRoot(cwd, env);
  resolveProjectPaths(config, origin, projectRoot);

  const groupsOut: Record<string, string> = {};
  for (const [g, o] of choices) if (o !== null) groupsOut[g] = o;
  return {
    config,
    overrides: rawOverrides,
    experiment: sorted.experiment,
    sources: { files: merge.map((m) => m.file), groups: groupsOut, keys: origin },
    paths: { searchPath: searchPath.describe(), projectRoot },
    unresolved,
  };
}

/** The command-line overrides by role: experiment selection, group selections, key overrides. */
interface SortedOverrides {
  experiment: string | undefined;
  /** Group choices made on the command line (null: `~group` dropped it); they win over all files. */
  cliGroups: Map<string, string | null>;
  /** The same selections as defaults-list entries, appended to the primary defaults list. */
  cliAppend: Entry[];
  keyOverrides: Override[];
}

/** Step 1: sort the overrides; a sweep, an unknown key or a misused group is an error here. */
function sortOverrides(overrides: Override[], searchPath: ConfigSearchPath, groups: readonly string[], cwd: string): SortedOverrides {
  for (const o of overrides) {
    if (o.sweep) throw new ConfigError(`override '${o.raw}' is a sweep (several values): run it as a multirun with -m`);
  }
  let experiment: string | undefined;
  const cliGroups = new Map<string, string | null>();
  const cliAppend: Entry[] = [];
  const keyOverrides: Override[] = [];
  for (const o of overrides) {
    if (o.key === EXPERIMENT_KEY) {
      if (o.kind === 'delete') experiment = undefined;
      else if (typeof o.value !== 'string' || o.value === '') throw new ConfigError(`override '${o.raw}': name an experiment file, e.g. +experiment=paper/encoder_injection`);
      else experiment = o.value;
    } else if (groups.includes(o.key) && !(o.kind !== 'delete' && isPlainObject(o.value))) {
      if (o.kind === 'delete') {
        // `~data` drops the group and, when it is also a namespace, resets its keys.
        cliGroups.set(o.key, null);
        if (isNamespace(o.key)) keyOverrides.push(o);
      }
      else {
        if (typeof o.value !== 'string' || o.value === '') throw new ConfigError(`override '${o.raw}': ${o.key} is a config group; name one of its files, e.g. ${o.key}=<option>`);
        cliGroups.set(o.key, o.value);
        cliAppend.push({ kind: 'group', group: o.key, option: o.value, optional: false, from: `override '${o.raw}'`, fromDir: cwd });
      }
    } else if (schemaEntry(o.key)) {
      keyOverrides.push(o);
    } else if (isNamespace(o.key) && o.kind === 'delete') {
      keyOverrides.push(o);
    } else if (isNamespace(o.key) && searchPath.empty && typeof o.value === 'string') {
      // `data=facades` names a group option, but there are no group files to pick it from.
      throw new ConfigError(`override '${o.raw}' selects a config group, but the config search path is empty (no experiments/ folder): pass --config-dir <folder>`);
    } else if (isNamespace(o.key)) {
      throw new ConfigError(`override '${o.raw}': ${o.key} is a group of keys, not a value; set one of them, e.g. ${schemaEntries().find((e) => e.key.startsWith(`${o.key}.`))?.key}=...`);
    } else {
      throw unknownKeyError(o.key, ` in override '${o.raw}'`, [EXPERIMENT_KEY, ...groups]);
    }
  }
  return { experiment, cliGroups, cliAppend, keyOverrides };
}

/**
 * Step 2: the root defaults list: the primary config's entries, then CLI-appended groups and the
 * experiment (Hydra appends both to the primary defaults list, in that spirit).
 */
function rootDefaultsList(sorted: SortedOverrides, searchPath: ConfigSearchPath, cwd: string): Entry[] {
  const primaryPath = searchPath.find(PRIMARY);
  const root: Entry[] = [];
  if (primaryPath) root.push({ kind: 'include', path: primaryPath, from: 'primary config', fromDir: cwd });
  root.push(...sorted.cliAppend);
  const experiment = sorted.experiment;
  if (experiment !== undefined) {
    const experimentPath = searchPath.find(experiment) ?? findConfigFile(cwd, experiment);
    if (!experimentPath) {
      const known = searchPath.experiments();
      throw new ConfigError(
        `no experiment file '${experiment}' under ${searchPath.dirs.join(' or ') || 'experiments/ (no experiments folder found)'}${didYouMean(experiment, known)} (see: workbench config --list)`,
      );
    }
    root.push({ kind: 'include', path: experimentPath, from: `override '+experiment=${experiment}'`, fromDir: cwd });
  }
  return root;
}

/**
 * Step 3: walk the defaults tree into the files to merge, in order. Group choices are "last
 * selection wins, command line wins over all", and a chosen option may bring its own defaults, so
 * the walk repeats until the choices settle.
 */
function walkDefaultsTree(
  root: Entry[],
  cliGroups: ReadonlyMap<string, string | null>,
  searchPath: ConfigSearchPath,
  groups: readonly string[],
): { choices: Map<string, string | null>; merge: MergeItem[] } {
  const shown = (p: string) => searchPath.shown(p);
  let choices = new Map<string, string | null>(cliGroups);
  let merge: MergeItem[] = [];
  for (let round = 0; ; round++) {
    if (round > 10) throw new ConfigError('config group selections do not settle (defaults lists select each other in a loop)');
    const seen = new Map<string, string | null>();
    const merged = new Set<string>();
    merge = [];
    const visit = (entry: Entry, stack: string[]): void => {
      if (entry.kind === 'self') return;
      let path: string;
      let defaultPackage = '';
      if (entry.kind === 'group') {
        if (!groups.includes(entry.group)) {
          throw new ConfigError(`${entry.from}: unknown config group '${entry.group}' (groups: ${groups.join(', ') || 'none'})${didYouMean(entry.group, groups)}`);
        }
        // `- cpu: ${data}` (Hydra's defaults-list interpolation): the option is another group's choice.
        const listed = entry.option === null ? null : groupChoiceInterpolation(entry.option, (g) => choices.get(g) ?? seen.get(g), entry.from);
        seen.set(entry.group, listed);
        if (merged.has(entry.group)) return; // later selections only change the choice
        merged.add(entry.group);
        const option = cliGroups.has(entry.group) ? cliGroups.get(entry.group) : choices.has(entry.group) ? choices.get(entry.group) : listed;
        if (option === null || option === undefined) return;
        const found = searchPath.find(`${entry.group}/${option}`);
        if (!found) {
          if (entry.optional) return;
          throw searchPath.optionError(entry.group, option);
        }
        path = found;
        defaultPackage = entry.group.replace(/\//g, '.');
      } else {
        // Includes are relative to the including file, then to the search path.
        const found = findConfigFile(entry.fromDir, entry.path) ?? searchPath.find(entry.path);
        if (!found) throw new ConfigError(`${entry.from}: included config '${entry.path}' not found`);
        path = found;
      }
      if (stack.includes(path)) throw new ConfigError(`defaults lists include each other in a loop: ${[...stack, path].map(shown).join(' -> ')}`);
      const file = readConfigFile(path, shown(path));
      const entries = file.defaults.some((d) => d.kind === 'self') ? file.defaults : [...file.defaults, { kind: 'self' as const }];
      for (const d of entries) {
        if (d.kind === 'self') merge.push({ file: shown(path), body: packaged(file.body, file.packageHeader, defaultPackage) });
        else visit({ ...d, from: shown(path), fromDir: dirname(path) }, [...stack, path]);
      }
    };
    for (const entry of root) visit(entry, []);
    const next = new Map(seen);
    for (const [g, o] of cliGroups) next.set(g, o);
    const same = next.size === choices.size && [...next].every(([g, o]) => choices.get(g) === o && choices.has(g));
    choices = next;
    if (same) return { choices, merge };
  }
}

/**
 * Step 4: merge defaults (+env) < files in defaults order < key overrides, recording where each
 * key got its value. Files are checked for unknown keys here (their values may still hold ${...}).
 */
function mergeLayers(
  merge: MergeItem[],
  keyOverrides: Override[],
  groups: readonly string[],
  env: NodeJS.ProcessEnv,
): { tree: ConfigTree; origin: Record<string, string> } {
  const { tree, envKeys } = defaultBase(env);
  const base = structuredClone(tree);
  const origin: Record<string, string> = { ...envKeys };
  for (const item of merge) {
    validateTree(structuredClone(item.body), () => ` (from ${item.file})`, [EXPERIMENT_KEY, ...groups], { values: false });
    for (const [key, value] of schemaLeaves(item.body)) {
      setPath(tree, key, value);
      origin[key] = item.file;
    }
  }
  for (const o of keyOverrides) {
    if (o.kind === 'delete') {
      for (const e of schemaEntries().filter((e) => e.key === o.key || e.key.startsWith(`${o.key}.`))) {
        setPath(tree, e.key, structuredClone(getPath(base, e.key) as ConfigValue));
        delete origin[e.key];
      }
    } else {
      setPath(tree, o.key, typedOverrideValue(schemaEntry(o.key), o.value ?? null, o.text));
      origin[o.key] = `override '${o.raw}'`;
    }
  }
  return { tree, origin };
}

/**
 * Step 5: interpolate `${...}`, then validate every value once, strictly, naming where a bad
 * value came from. The tree started from the schema's defaults, so it holds every key: it is the
 * resolved config. (convict supplies the defaults and env values in step 4; its own validation
 * would repeat this one's checks, which are its registered formats.)
 */
function interpolateAndValidate(tree: ConfigTree, origin: Record<string, string>, env: NodeJS.ProcessEnv): ResolvedConfig {
  const resolved = resolveInterpolations(tree, env);
  validateTree(resolved, (key) => (origin[key] ? ` (from ${origin[key]})` : ''), [], { values: true });
  return resolved as unknown as ResolvedConfig;
}

/** Step 6: relative project paths from defaults or files resolve against the project root. */
function resolveProjectPaths(config: ResolvedConfig, origin: Record<string, string>, projectRoot: ProjectRoot): void {
  for (const key of PROJECT_PATH_KEYS) {
    const value = getPath(config as unknown as ConfigTree, key) as string;
    const typed = origin[key]?.startsWith('override ') || origin[key]?.startsWith('env ');
    if (!typed && value !== '' && !isAbsolute(value)) setPath(config as unknown as ConfigTree, key, resolve(projectRoot.dir, value));
  }
}

/** `key=value` text for a key of the schema (used to spell job overrides). */
export function overrideText(key: string, value: ConfigValue): string {
  const entry = schemaEntry(key);
  return `${key}=${formatValue(entry ? coerce(entry, value) : value)}`;
}
