// Reading experiment and group files (YAML or JSON): the `# @package` header, the `defaults:`
// list and the body.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from './config-error.js';
import { isPlainObject, type ConfigTree } from './object-path.js';

export const CONFIG_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** One entry of a defaults list. */
export type DefaultsEntry =
  | { kind: 'self' }
  | { kind: 'group'; group: string; option: string | null; optional: boolean }
  | { kind: 'include'; path: string };

export interface ConfigFile {
  path: string; // absolute
  /** `_global_`, or a dotted package, or undefined (use the caller's default). */
  packageHeader?: string;
  defaults: DefaultsEntry[];
  body: ConfigTree;
}

/** The text before the first line break. */
const firstLine = (text: string): string => text.replace(/\n.*$/s, '');
/** The first folder of a slash path: `data/small` -> `data` (the whole path when it has none). */
const topFolder = (path: string): string => path.replace(/\/.*$/s, '');

function parseDefaultsEntry(item: unknown, file: string): DefaultsEntry {
  if (item === '_self_') return { kind: 'self' };
  if (typeof item === 'string') return { kind: 'include', path: item };
  const entries = isPlainObject(item) ? Object.entries(item) : [];
  const [entry] = entries;
  if (entry && entries.length === 1) {
    const [rawKey, option] = entry;
    let key = rawKey.trim();
    let optional = false;
    // Hydra keywords: `override /data: facades`, `optional model: x`. Selections are
    // "last one wins" here, so `override` needs no special treatment.
    for (;;) {
      if (key.startsWith('override ')) key = key.slice('override '.length).trim();
      else if (key.startsWith('optional ')) {
        optional = true;
        key = key.slice('optional '.length).trim();
      } else break;
    }
    const group = key.replace(/^\/+/, '');
    if (option !== null && typeof option !== 'string') {
      throw new ConfigError(`${file}: defaults entry '${rawKey}' must name one option (e.g. '- ${group}: <option>'), got ${JSON.stringify(option)}`);
    }
    return { kind: 'group', group, option, optional };
  }
  throw new ConfigError(`${file}: bad defaults entry ${JSON.stringify(item)}: use '- group: option', '- file' or '- _self_'`);
}

/** `shown` is how errors name the file (e.g. `experiments/paper/methods.yaml`). */
export function readConfigFile(path: string, shown: string = path): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${shown}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    // The yaml message's first line ends with ':' before a code excerpt: keep the line, drop the colon.
    const msg = err instanceof YAMLParseError ? firstLine(err.message).replace(/:$/, '') : (err as Error).message;
    throw new ConfigError(`${shown}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${msg}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isPlainObject(doc)) throw new ConfigError(`${shown}: a config file must be a mapping of keys, not ${Array.isArray(doc) ? 'a list' : typeof doc}`);
  const header = /^#\s*@package\s+(\S+)/m.exec(text.split('\n').find((l) => l.includes('@package')) ?? '');
  const { defaults, ...body } = doc;
  if (defaults !== undefined && !Array.isArray(defaults)) throw new ConfigError(`${shown}: 'defaults' must be a list`);
  const entries = (defaults ?? []).map((d) => parseDefaultsEntry(d, shown));
  if (entries.filter((e) => e.kind === 'self').length > 1) throw new ConfigError(`${shown}: _self_ appears twice in defaults`);
  return { path, packageHeader: header?.[1], defaults: entries, body };
}

/** The file of `name` (with or without extension) inside `dir`, if any. */
export function findConfigFile(dir: string, name: string): string | undefined {
  const candidates = CONFIG_EXTENSIONS.some((ext) => name.endsWith(ext)) ? [name] : CONFIG_EXTENSIONS.map((ext) => name + ext);
  for (const c of candidates) {
    const p = resolve(dir, c);
    if (existsSync(p) && statSync(p).isFile()) return p;
  }
  return undefined;
}

/** Option names of a group folder (file names without extension). */
export function listOptions(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => CONFIG_EXTENSIONS.some((ext) => f.endsWith(ext)) && !f.startsWith('_'))
    .map((f) => f.replace(/\.(ya?ml|json)$/, ''))
    .sort();
}

/** Config groups: the sub-folders of the experiments folder. */
export function listGroups(experimentsDir: string | undefined): string[] {
  if (!experimentsDir || !existsSync(experimentsDir)) return [];
  return readdirSync(experimentsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

function allConfigFiles(experimentsDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.name.startsWith('_') || d.name.startsWith('.')) continue;
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (CONFIG_EXTENSIONS.some((ext) => d.name.endsWith(ext))) out.push(p);
    }
  };
  if (existsSync(experimentsDir)) walk(experimentsDir);
  return out.sort();
}

/** Groups that some defaults list selects (`data`, `scale`, ...), as opposed to experiment folders (`paper`). */
export function referencedGroups(experimentsDir: string): Set<string> {
  const groups = new Set<string>();
  for (const p of allConfigFiles(experimentsDir)) {
    try {
      for (const d of readConfigFile(p).defaults) if (d.kind === 'group') groups.add(topFolder(d.group));
    } catch {
      // a broken file is reported when it is used, not when listing
    }
  }
  return groups;
}

/**
 * Experiment files (names for +experiment=), relative to the experiments folder: every file
 * except the primary config and the options of groups that a defaults list selects.
 */
export function listExperiments(experimentsDir: string, groups: Set<string> = referencedGroups(experimentsDir)): string[] {
  return allConfigFiles(experimentsDir)
    .map((p) => relative(experimentsDir, p).replace(/\.(ya?ml|json)$/, ''))
    .filter((name) => name !== 'config' && !(name.includes('/') && groups.has(topFolder(name))));
}
