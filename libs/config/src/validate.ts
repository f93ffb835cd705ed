// Strict validation against the schema: an unknown key or a bad value is one line naming the
// key, the value and what is allowed (with a "did you mean" for typos). Values are coerced
// where YAML/override typing is ambiguous (`lpips_version: 0.0` is the string '0.0').
import { ConfigError } from './config-error.js';
import { isPlainObject, type ConfigTree } from './object-path.js';
import { CUSTOM_FORMATS, schemaEntries, type SchemaEntry } from './schema.js';
import { didYouMean } from './suggest.js';
import { formatValue, interpretBare, type ConfigValue } from './value-syntax.js';

let entriesByKey: Map<string, SchemaEntry> | undefined;
export function schemaEntry(key: string): SchemaEntry | undefined {
  entriesByKey ??= new Map(schemaEntries().map((e) => [e.key, e]));
  return entriesByKey.get(key);
}

/** Namespaces of the schema: every proper prefix of a leaf key (`data`, `model`, ...). */
export function isNamespace(key: string): boolean {
  return schemaEntries().some((e) => e.key.startsWith(`${key}.`));
}

export function allowedText(entry: SchemaEntry): string {
  if (Array.isArray(entry.format)) return (entry.format as readonly string[]).join(', ');
  return CUSTOM_FORMATS.find((f) => f.name === entry.format)?.allowed ?? String(entry.format);
}

/**
 * The value an override gives a schema key. An unquoted token the override parser read as a
 * number, boolean or null keeps its literal text when the key holds text (string, string list, or a
 * choice of strings): `sweep.job=2726e66454` is that id, not Infinity; `name=007` keeps its zeros.
 * Coercing the parsed number back with String() cannot do this: the literal is gone by then.
 */
export function typedOverrideValue(entry: SchemaEntry | undefined, value: ConfigValue, text: string | undefined): ConfigValue {
  const readAsText = value === null || typeof value === 'number' || typeof value === 'boolean';
  if (entry === undefined || text === undefined || !readAsText) return value;
  const holdsText = Array.isArray(entry.format) ? (entry.format as readonly string[]).includes(text) : entry.format === 'string' || entry.format === 'string-list';
  return holdsText ? text : value;
}

/** Coerce an ambiguous value to the key's type, or return it unchanged for the check to reject. */
export function coerce(entry: SchemaEntry, value: ConfigValue): ConfigValue {
  const f = entry.format;
  if (Array.isArray(f)) {
    if (typeof value === 'number') return (f as readonly string[]).find((o) => Number(o) === value) ?? value;
    if (typeof value === 'boolean') return String(value);
    return value;
  }
  switch (f) {
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    case 'bool':
      return typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value;
    case 'string-list':
      if (typeof value === 'string') return [value];
      return Array.isArray(value) ? value.map((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v)) : value;
    case 'sweep-params':
      return value;
    default: {
      // numeric formats
      if (typeof value === 'string') {
        const n = interpretBare(value);
        return typeof n === 'number' ? n : value;
      }
      return value;
    }
  }
}

function check(entry: SchemaEntry, value: ConfigValue, where: string): void {
  const f = entry.format;
  const ok = Array.isArray(f)
    ? typeof value === 'string' && (f as readonly string[]).includes(value)
    : (CUSTOM_FORMATS.find((c) => c.name === f)?.test(value) ?? true);
  if (ok) return;
  const hint = Array.isArray(f) && typeof value === 'string' ? didYouMean(value, f as readonly string[]) : '';
  throw new ConfigError(`bad value for ${entry.key}: ${formatValue(value)}${where} (allowed: ${allowedText(entry)})${hint}`);
}

/** All keys a user may write: leaves and namespaces. */
function knownKeys(): string[] {
  const keys = new Set<string>();
  for (const e of schemaEntries()) {
    const parts = e.key.split('.');
    for (let i = 1; i <= parts.length; i++) keys.add(parts.slice(0, i).join('.'));
  }
  return [...keys];
}

export function unknownKeyError(key: string, where: string, extra: readonly string[] = []): ConfigError {
  return new ConfigError(`unknown config key '${key}'${where}${didYouMean(key, [...knownKeys(), ...extra])}`);
}

/**
 * Validate (and coerce in place) a tree of partial config; `values: false` checks keys only. `origin(key)` names where a key
 * came from, for the message (e.g. " (from experiments/model/cnn.yaml)").
 */
export function validateTree(
  tree: ConfigTree,
  origin: (key: string) => string = () => '',
  extraKeys: readonly string[] = [],
  opts: { values: boolean } = { values: true },
): void {
  const walk = (node: ConfigTree, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${k}` : k;
      const entry = schemaEntry(key);
      if (entry) {
        if (!opts.values) continue; // structure only (values may still hold ${...})
        node[k] = coerce(entry, v);
        check(entry, node[k], origin(key));
      } else if (isNamespace(key)) {
        if (!isPlainObject(v)) {
          throw new ConfigError(`${key} is a group of keys, not a value${origin(key)}: set ${key}.<key>=... (e.g. ${schemaEntries().find((e) => e.key.startsWith(`${key}.`))?.key}=...)`);
        }
        walk(v, key);
      } else {
        throw unknownKeyError(key, origin(key), extraKeys);
      }
    }
  };
  walk(tree, '');
}
