// Config comparison for the compare view: flatten nested configs to dotted keys and keep only
// the keys whose values differ between runs.

export type FlatConfig = Record<string, unknown>;

/** {model: {nz: 8}} -> {"model.nz": 8}. Arrays are leaves (compared as JSON). The result has no
 *  prototype: a stored config key named `__proto__` stays an ordinary key. */
export function flattenConfig(config: Record<string, unknown>, prefix = ''): FlatConfig {
  const out: FlatConfig = Object.create(null);
  for (const [k, v] of Object.entries(config)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenConfig(v as Record<string, unknown>, key));
    else out[key] = v;
  }
  return out;
}

export interface ConfigDiffRow {
  key: string;
  /** one value per config, in input order; undefined where the key is missing */
  values: unknown[];
}

/** Keys (sorted) whose values are not all equal across `configs`. */
export function configDiff(configs: Record<string, unknown>[], opts: { ignore?: readonly string[] } = {}): ConfigDiffRow[] {
  const flats = configs.map((c) => flattenConfig(c));
  const keys = new Set(flats.flatMap((f) => Object.keys(f)));
  const ignored = (k: string) => (opts.ignore ?? []).some((p) => k === p || k.startsWith(p + '.'));
  const rows: ConfigDiffRow[] = [];
  for (const key of [...keys].sort()) {
    if (ignored(key)) continue;
    const values = flats.map((f) => f[key]);
    const texts = new Set(values.map((v) => (v === undefined ? '\u0000undefined' : JSON.stringify(v))));
    if (texts.size > 1) rows.push({ key, values });
  }
  return rows;
}
