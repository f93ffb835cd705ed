// `${...}` interpolation (OmegaConf style): `${model.nz}` is an absolute key of the composed
// config; `${oc.env:NAME}` / `${oc.env:NAME,default}` reads an environment variable. A string
// that is exactly one interpolation keeps the referenced value's type (`nz: ${model.nz}` → number);
// otherwise the pieces are joined as text. `\${` is a literal `${`.
import { ConfigError } from './config-error.js';
import { getPath, isPlainObject, type ConfigTree } from './object-path.js';
import type { ConfigValue } from './value-syntax.js';

const WHOLE = /^\$\{([^${}]+)\}$/;
const PIECE = /(\\?)\$\{([^${}]+)\}/g;

export function resolveInterpolations(tree: ConfigTree, env: NodeJS.ProcessEnv = process.env): ConfigTree {
  const resolving = new Set<string>();
  const done = new Map<string, ConfigValue>();

  const lookup = (ref: string, from: string): ConfigValue => {
    const expr = ref.trim();
    if (expr.startsWith('oc.env:') || expr.startsWith('env:')) {
      const spec = expr.slice(expr.indexOf(':') + 1);
      const comma = spec.indexOf(',');
      const name = (comma < 0 ? spec : spec.slice(0, comma)).trim();
      const value = env[name];
      if (value !== undefined) return value;
      if (comma >= 0) return spec.slice(comma + 1).trim();
      throw new ConfigError(`${from}: environment variable ${name} is not set (give a default: \${oc.env:${name},value})`);
    }
    const target = getPath(tree, expr);
    if (target === undefined) {
      throw new ConfigError(`${from}: interpolation \${${expr}} refers to a key that does not exist`);
    }
    return resolveKey(expr, target);
  };

  const resolveString = (s: string, key: string): ConfigValue => {
    const [, wholeRef] = WHOLE.exec(s) ?? [];
    if (wholeRef !== undefined) return lookup(wholeRef, key);
    if (!s.includes('${')) return s;
    return s.replace(PIECE, (_m, escape: string, ref: string) => {
      if (escape) return `\${${ref}}`;
      const v = lookup(ref, key);
      if (isPlainObject(v) || Array.isArray(v)) {
        throw new ConfigError(`${key}: \${${ref}} is a ${Array.isArray(v) ? 'list' : 'map'} and cannot be embedded in a string`);
      }
      return String(v);
    }).replace(/\\\$\{/g, '${');
  };

  function resolveKey(key: string, value: ConfigValue): ConfigValue {
    if (done.has(key)) return done.get(key) as ConfigValue;
    if (resolving.has(key)) {
      throw new ConfigError(`interpolation cycle: ${[...resolving, key].join(' -> ')}`);
    }
    resolving.add(key);
    const out = resolveAny(value, key);
    resolving.delete(key);
    done.set(key, out);
    return out;
  }

  function resolveAny(value: ConfigValue, key: string): ConfigValue {
    if (typeof value === 'string') return resolveString(value, key);
    if (Array.isArray(value)) return value.map((v, i) => resolveAny(v, `${key}[${i}]`));
    if (isPlainObject(value)) {
      const out: ConfigTree = {};
      for (const [k, v] of Object.entries(value)) out[k] = resolveKey(key ? `${key}.${k}` : k, v);
      return out;
    }
    return value;
  }

  return resolveAny(tree, '') as ConfigTree;
}
