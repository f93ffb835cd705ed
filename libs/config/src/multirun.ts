// Multirun (`-m`): the cartesian product of the sweep axes. Axes come from the command line
// (`model.nz=2,8,256`, `seed=range(0,3)`, `data=shapes,facades`) and from the experiment file
// (`sweep.params`, like Hydra's `hydra.sweeper.params`, plus `sweep.seeds: N` for a seed axis).
// Command-line values win over the experiment's axes for the same key. Every job gets a stable id:
// a hash of its sorted overrides, so re-planning the same sweep gives the same ids.
import { createHash } from 'node:crypto';
import { composeConfig, overrideText, type ComposeOptions, type ComposeResult } from './compose.js';
import { ConfigError } from './config-error.js';
import { formatOverride, parseOverrides, type Override } from './overrides.js';
import { schemaEntry, typedOverrideValue } from './validate.js';
import { parseValue, type ConfigValue } from './value-syntax.js';

export interface MultirunJob {
  /** Stable id: `j` + 10 hex chars of sha256 over the sorted overrides (never reads as a number). */
  id: string;
  /** Index in the grid (0-based, row-major over the axes). */
  index: number;
  /** The overrides that run exactly this job (`workbench train <overrides...>`). */
  overrides: string[];
  /** The swept keys and this job's value of each. */
  axes: Record<string, ConfigValue>;
  /** The composed config (every job is composed at planning time, so mistakes surface early). */
  composed: ComposeResult;
}

export interface MultirunPlan {
  /** Axis key → its values, in expansion order. */
  grid: Record<string, ConfigValue[]>;
  jobs: MultirunJob[];
}

type MultirunOptions = Omit<ComposeOptions, 'overrides'>;

/**
 * The stable id of a job: order-insensitive over its overrides. The `j` keeps it from ever
 * looking like a number, bool or null wherever it is written unquoted (YAML, shell, override
 * syntax); sweeps made before it have bare 10-hex ids, which stay valid.
 */
export function jobId(overrides: readonly string[]): string {
  const canonical = parseOverrides(overrides).map(formatOverride).sort();
  return `j${createHash('sha256').update(canonical.join('\n')).digest('hex').slice(0, 10)}`;
}

/** Axis values typed by the key's schema type (a text key keeps `007` as written). */
function typedValues(key: string, values: ConfigValue[], texts: ReadonlyArray<string | undefined> = []): ConfigValue[] {
  const entry = schemaEntry(key);
  return values.map((v, i) => typedOverrideValue(entry, v, texts[i]));
}

function cartesian<T>(axes: T[][]): T[][] {
  return axes.reduce<T[][]>((acc, values) => acc.flatMap((combo) => values.map((v) => [...combo, v])), [[]]);
}

/** [keys[i], values[i]] for two lists of one length (an axis list and one of its combinations). */
function zip<K, V extends ConfigValue>(keys: readonly K[], values: readonly V[]): Array<[K, V]> {
  if (keys.length !== values.length) throw new Error(`zip: ${keys.length} keys but ${values.length} values`);
  return keys.map((k, i) => {
    const v = values[i];
    if (v === undefined) throw new Error(`zip: value ${i} is missing`);
    return [k, v];
  });
}

function experimentAxes(params: Record<string, unknown>, where: string): Array<[string, ConfigValue[]]> {
  return Object.entries(params).map(([key, spec]) => {
    if (Array.isArray(spec)) return [key, spec as ConfigValue[]];
    if (typeof spec === 'string') {
      const parsed = parseValue(spec, `${where} sweep.params.${key}`);
      return [key, parsed.kind === 'sweep' ? typedValues(key, parsed.values, parsed.texts) : typedValues(key, [parsed.value], [parsed.text])];
    }
    if (spec === null || typeof spec !== 'object') return [key, [spec as ConfigValue]];
    throw new ConfigError(`${where}: sweep.params.${key} must be a list or a comma-separated string, e.g. ${key}: [a, b]`);
  });
}

/** Plan a multirun: the grid and every job, each composed and validated. */
export function planMultirun(overrides: readonly string[], opts: MultirunOptions = {}): MultirunPlan {
  const parsed = parseOverrides(overrides);
  const cliAxes = parsed.filter((o) => o.sweep);
  const cliKeys = new Set(parsed.map((o) => o.key));
  const grid: Record<string, ConfigValue[]> = {};
  const cliValues = cliAxes.map((o) => typedValues(o.key, o.sweep as ConfigValue[], o.sweepTexts));
  for (const [o, values] of zip(cliAxes, cliValues)) grid[o.key] = values;

  const jobs: MultirunJob[] = [];
  const seen = new Set<string>();
  // One pass per command-line combination: the experiment (and so its axes) may differ.
  for (const combo of cartesian(cliValues)) {
    const chosen = new Map(zip(cliAxes, combo));
    const fixed: string[] = parsed.map((o: Override) => {
      const v = chosen.get(o);
      return v === undefined ? o.raw : `${o.kind === 'add' ? '+' : o.kind === 'force' ? '++' : ''}${o.key}=${overrideText(o.key, v).slice(o.key.length + 1)}`;
    });
    const base = composeConfig({ ...opts, overrides: fixed });
    const where = base.experiment ? `experiments/${base.experiment}` : 'config';
    const axes = experimentAxes(base.config.sweep.params, where).filter(([key]) => !cliKeys.has(key));
    const seeds = base.config.sweep.seeds;
    if (seeds > 0 && !cliKeys.has('seed') && !axes.some(([k]) => k === 'seed')) {
      axes.push(['seed', Array.from({ length: seeds }, (_, i) => base.config.seed + i)]);
    }
    for (const [key, values] of axes) grid[key] ??= values;
    for (const values of cartesian(axes.map(([, v]) => v))) {
      const jobValues = zip(axes, values);
      const jobOverrides = [...fixed, ...jobValues.map(([[key], v]) => overrideText(key, v))];
      const id = jobId(jobOverrides);
      if (seen.has(id)) continue; // e.g. `seed=1,1`: one job, not two
      seen.add(id);
      const axisValues: Record<string, ConfigValue> = {};
      for (const [o, v] of chosen) axisValues[o.key] = v;
      for (const [[key], v] of jobValues) axisValues[key] = v;
      jobs.push({ id, index: jobs.length, overrides: jobOverrides, axes: axisValues, composed: composeConfig({ ...opts, overrides: jobOverrides }) });
    }
  }
  return { grid, jobs };
}

/** The override lists of every job of a multirun (cartesian product, stable order). */
export function expandMultirun(overrides: readonly string[], opts: MultirunOptions = {}): string[][] {
  return planMultirun(overrides, opts).jobs.map((j) => j.overrides);
}
