// Dotted-key access on plain nested objects (`model.nz`).
import type { ConfigValue } from './value-syntax.js';

export type ConfigTree = { [key: string]: ConfigValue };

export const isPlainObject = (v: unknown): v is ConfigTree => typeof v === 'object' && v !== null && !Array.isArray(v);

export function getPath(tree: ConfigTree, key: string): ConfigValue | undefined {
  let node: ConfigValue | undefined = tree;
  for (const part of key.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

export function setPath(tree: ConfigTree, key: string, value: ConfigValue): void {
  const dot = key.lastIndexOf('.');
  const parents = dot < 0 ? [] : key.slice(0, dot).split('.');
  let node = tree;
  for (const part of parents) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as ConfigTree;
  }
  node[key.slice(dot + 1)] = value;
}

/** Every leaf as [dottedKey, value]; plain objects are descended, arrays are leaves. */
export function flattenLeaves(tree: ConfigTree, prefix = ''): Array<[string, ConfigValue]> {
  const out: Array<[string, ConfigValue]> = [];
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isPlainObject(v) && Object.keys(v).length > 0) out.push(...flattenLeaves(v, key));
    else out.push([key, v]);
  }
  return out;
}
