// Command-line overrides, Hydra style:
//   key=value        set a schema key, or select a config group option (data=facades)
//   +key=value       add: Hydra's "append"; here used for +experiment=<file> and new group
//                    selections. On a schema key it is the same as key=value (every schema key
//                    always exists, with its default).
//   ++key=value      force-set (same as key=value here)
//   ~key             reset a schema key to its default, or drop a group from the defaults list
import { ConfigError } from './config-error.js';
import { formatValue, parseValue, type ConfigValue } from './value-syntax.js';

export type OverrideKind = 'set' | 'add' | 'force' | 'delete';

export interface Override {
  /** The text as given. */
  raw: string;
  kind: OverrideKind;
  /** Dotted key (`model.nz`) or group path (`experiment`, `data`). */
  key: string;
  /** Absent for `~key`. */
  value?: ConfigValue;
  /** Present when the value is a sweep (`a,b`, `range(..)`, `choice(..)`): the axis values. */
  sweep?: ConfigValue[];
  /** The literal of an unquoted scalar value (`0123` for value 123), for keys that hold text. */
  text?: string;
  /** The same per sweep value (undefined where quoted, a list, or from range()). */
  sweepTexts?: Array<string | undefined>;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_\-./@]*$/;

/** Parse one override; throws ConfigError with the position of a syntax error. */
export function parseOverride(raw: string): Override {
  let text = raw.trim();
  let kind: OverrideKind = 'set';
  if (text.startsWith('++')) {
    kind = 'force';
    text = text.slice(2);
  } else if (text.startsWith('+')) {
    kind = 'add';
    text = text.slice(1);
  } else if (text.startsWith('~')) {
    kind = 'delete';
    text = text.slice(1);
  }
  const eq = text.indexOf('=');
  const key = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (eq < 0 && kind !== 'delete') {
    throw new ConfigError(`override '${raw}' has no '=': write key=value (e.g. model.nz=8), or ~key to reset a key`);
  }
  if (!KEY.test(key)) {
    throw new ConfigError(`override '${raw}': '${key}' is not a valid key (letters, digits, _ - . / allowed; e.g. model.nz=8)`);
  }
  if (eq < 0) return { raw, kind, key };
  const parsed = parseValue(text.slice(eq + 1), `override '${raw}'`);
  if (kind === 'delete') return { raw, kind, key }; // Hydra's ~key=value: value only documents intent
  if (parsed.kind === 'sweep') return { raw, kind, key, sweep: parsed.values, sweepTexts: parsed.texts };
  return { raw, kind, key, value: parsed.value, ...(parsed.text !== undefined ? { text: parsed.text } : {}) };
}

export function parseOverrides(raw: readonly string[]): Override[] {
  return raw.map(parseOverride);
}

/** Canonical text of a non-sweep override (`+`/`~` prefix kept), used for job ids. */
export function formatOverride(o: Override): string {
  const prefix = o.kind === 'add' ? '+' : o.kind === 'force' ? '++' : o.kind === 'delete' ? '~' : '';
  if (o.kind === 'delete') return `${prefix}${o.key}`;
  if (o.sweep) return `${prefix}${o.key}=${o.sweep.map(formatValue).join(',')}`;
  return `${prefix}${o.key}=${formatValue(o.value ?? null)}`;
}
