// The paper's tables from a sweep, with runs that differ only by seed grouped as mean, 95 %
// Student-t interval and n, each row tested against a reference row (Welch's t-test), and rows
// whose runs' eval_every curves still move flagged "not converged":
//
//   encoder_injection  model.encoder × model.where_add → reconstruction error (paper Table 3);
//   latent_size        model.nz → diversity and realism proxies (paper's |z| study);
//   methods            method → diversity vs mode coverage (+ realism fooling rate when the
//                      tracking store holds judgments), with the "random real images" bound.
//
// A table is built when its keys take more than one value in the sweep; when none does, the
// methods table is built as the summary. Other keys that vary in the sweep become extra label
// columns, so a row is always one config (never two configs merged).
//
// `paperTables(store, sweepId)` reads the tracking store; `buildPaperTables(input)` is the pure
// part (the dashboard can feed it rows it already has). Format with `formatTables`.
import { GROUP_KEY_IGNORED } from '@workbench/config';
import { flattenConfig, groupOverSeeds, type EvalResultRow, type FoolingRate, type RunRow, type TrackingStore } from '@workbench/tracking';
import { EVAL_METRICS } from '../evaluate/eval-results.js';
import { CONVERGENCE_RULE, type Convergence } from '../stats/convergence.js';
import { meanInterval, type MeanInterval } from '../stats/mean-interval.js';
import { welchTest, type WelchResult } from '../stats/welch-test.js';
import { CONVERGENCE_SERIES, runConvergence } from './run-convergence.js';

/** Two-sided level at which a row is marked as differing from the reference row. */
export const SIGNIFICANCE_LEVEL = 0.05;

/** One cell: the group's runs' values summarised over seeds. */
export interface TableCell extends MeanInterval {
  /** = sd (sample std over seeds; the name earlier readers of the tables use) */
  std: number;
  /** the runs' values, one per seed */
  samples: number[];
  /** mean over the runs of the standard error `eval` stored with each value (noise over test inputs) */
  evalSe?: number;
  /** Welch's t-test of this row against the table's reference row (both rows need ≥ 2 seeds) */
  vsReference?: WelchResult & { significant: boolean };
}

export type PaperTableId = 'encoder_injection' | 'latent_size' | 'methods';

export interface TableMetric {
  /** eval_results metric name, or `fooling_rate` (percent, from judgments). */
  key: string;
  label: string;
  /** Decimals when printed. */
  digits: number;
  better: 'higher' | 'lower';
}

export interface TableLabelColumn {
  /** Config key (`method`, `model.nz`, ...). */
  key: string;
  label: string;
}

export interface PaperTableRow {
  /** Display value per label column key. */
  labels: Record<string, string>;
  /** Raw config values per label column key. */
  config: Record<string, unknown>;
  runIds: string[];
  seeds: Array<number | null>;
  /** mean, 95 % CI, n over the group's runs, per metric key; absent = no run has it. */
  values: Record<string, TableCell | undefined>;
  /** True for the "random real images" bound row (never tested, never the reference). */
  reference?: boolean;
  /** Runs of the row with a convergence verdict, and how many of them have not converged. */
  convergence?: { checked: number; notConverged: number };
}

export interface PaperTable {
  id: PaperTableId;
  title: string;
  labelColumns: TableLabelColumn[];
  /** Only metrics that at least one row has. */
  metrics: TableMetric[];
  rows: PaperTableRow[];
  /** Footnotes: protocol, skipped metrics, ideal-sampler references, the legend of the marks. */
  notes: string[];
  /** Index in `rows` of the row the others are tested against. */
  referenceRow: number;
  /** Shapes data: the mode protocol (K modes, M samples per input) and an ideal sampler's coverage. */
  modes?: { numModes: number; samples: number; idealCoverage: number };
}

export interface PaperTablesInput {
  runs: RunRow[];
  evals: EvalResultRow[];
  /** Per-run realism study results (may be empty). */
  fooling?: FoolingRate[];
  /** Per-run convergence verdicts of the eval_every curves (see `runConvergence`). */
  convergence?: Record<string, Convergence>;
}

export interface PaperTablesOptions {
  /** Which LPIPS version's diversity to show (default 0.0, the paper's). */
  lpipsVersion?: '0.0' | '0.1';
  /** Build every table that has data, not only those whose keys vary. */
  all?: boolean;
  /** The row the others are tested against: a row label as shown (e.g. `BicycleGAN`, or
   *  `BicycleGAN / 8` for several label columns), case-insensitive. Default: each table's first row. */
  reference?: string;
}

const FOOLING = 'fooling_rate';

const KEY_LABEL: Record<string, string> = {
  method: 'method',
  'model.encoder': 'encoder',
  'model.where_add': 'injection',
  'model.nz': '|z|',
};

/** Display names as in the paper. */
const VALUE_LABEL: Record<string, Record<string, string>> = {
  method: {
    pix2pix_noise: 'pix2pix+noise',
    cae_gan: 'cAE-GAN',
    cvae_gan: 'cVAE-GAN',
    cvae_gan_pp: 'cVAE-GAN++',
    clr_gan: 'cLR-GAN',
    bicyclegan: 'BicycleGAN',
  },
  'model.encoder': { cnn: 'CNN', resnet: 'ResNet' },
  'model.where_add': { input: 'add_to_input', all: 'add_to_all' },
};

/** Row order as in the paper; unknown values after known ones, numbers ascending. */
const VALUE_ORDER: Record<string, string[]> = {
  method: ['pix2pix_noise', 'cae_gan', 'cvae_gan', 'cvae_gan_pp', 'clr_gan', 'bicyclegan'],
  'model.encoder': ['cnn', 'resnet'],
  'model.where_add': ['input', 'all'],
};

function metricsFor(id: PaperTableId, v: string): TableMetric[] {
  const lp: TableMetric = { key: EVAL_METRICS.diversityLpips(v), label: `LPIPS v${v} diversity`, digits: 4, better: 'higher' };
  const l1: TableMetric = { key: EVAL_METRICS.diversityL1, label: 'L1 diversity', digits: 4, better: 'higher' };
  const cov: TableMetric = { key: EVAL_METRICS.modeCoverage, label: 'mode coverage', digits: 3, better: 'higher' };
  const tv: TableMetric = { key: EVAL_METRICS.modeTv, label: 'mode TV', digits: 3, better: 'lower' };
  const none: TableMetric = { key: EVAL_METRICS.modeNoMatch, label: 'no-mode fills', digits: 3, better: 'lower' };
  const leak: TableMetric = { key: EVAL_METRICS.modeLeak, label: 'colour leak', digits: 3, better: 'lower' };
  const fool: TableMetric = { key: FOOLING, label: 'fooling rate %', digits: 1, better: 'higher' };
  const rec: TableMetric = { key: EVAL_METRICS.reconstructionL1, label: 'reconstruction L1', digits: 4, better: 'lower' };
  const c2st: TableMetric = { key: EVAL_METRICS.c2stAccuracy, label: 'realism proxy: C2ST acc.', digits: 3, better: 'lower' };
  const enc: TableMetric = { key: EVAL_METRICS.encodedModeAccuracy, label: 'encoded fills correct', digits: 3, better: 'higher' };
  if (id === 'encoder_injection') return [rec, enc];
  if (id === 'latent_size') return [lp, l1, cov, tv, none, leak, c2st, fool, enc];
  return [lp, l1, cov, tv, none, c2st, fool, enc];
}

const TABLES: Array<{ id: PaperTableId; title: string; keys: string[] }> = [
  { id: 'encoder_injection', title: 'Encoder × injection: reconstruction error ‖B − G(A, E(B))‖₁', keys: ['model.encoder', 'model.where_add'] },
  { id: 'latent_size', title: 'Latent code length |z|: diversity and realism proxies', keys: ['model.nz'] },
  { id: 'methods', title: 'Methods: diversity vs mode coverage', keys: ['method'] },
];

/** Keys that never distinguish rows: bookkeeping, where things are stored, evaluation options. */
const NOT_A_FACTOR = [...GROUP_KEY_IGNORED, 'eval', 'train.log_every', 'train.display_every', 'train.checkpoint_every', 'train.num_samples', 'train.eval_every', 'train.eval_inputs', 'train.eval_samples'];

function isFactor(key: string): boolean {
  return !NOT_A_FACTOR.some((p) => key === p || key.startsWith(`${p}.`));
}

function display(key: string, value: unknown): string {
  if (value === undefined || value === null) return '–';
  // Arrays and objects (list-valued factors) as JSON, not "[object Object]".
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean);
  return VALUE_LABEL[key]?.[text] ?? text;
}

function compareValues(key: string, a: unknown, b: unknown): number {
  const order = VALUE_ORDER[key];
  if (order) {
    const ia = order.indexOf(String(a));
    const ib = order.indexOf(String(b));
    if (ia !== ib) return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib);
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

interface Group {
  key: string;
  runs: RunRow[];
  flat: Record<string, unknown>;
}

/** Runs grouped over seeds (the tracking library's grouping), with the flattened config of the newest. */
function groupRuns(runs: RunRow[]): Group[] {
  return groupOverSeeds(runs).map(({ groupKey, runs: rs }) => ({ key: groupKey, runs: rs, flat: { ...flattenConfig(rs[0]!.config), method: rs[0]!.method } }));
}

function variedKeys(groups: Group[]): string[] {
  const keys = new Set<string>();
  for (const g of groups) for (const k of Object.keys(g.flat)) if (isFactor(k)) keys.add(k);
  return [...keys].filter((k) => new Set(groups.map((g) => JSON.stringify(g.flat[k]))).size > 1).sort();
}

/** Builds the tables from rows the caller already has (pure; see `paperTables`). */
export function buildPaperTables(input: PaperTablesInput, opts: PaperTablesOptions = {}): PaperTable[] {
  const groups = groupRuns(input.runs);
  if (groups.length === 0) return [];
  const evals = new Map<string, EvalResultRow>();
  for (const e of input.evals) evals.set(`${e.runId}\u0000${e.metric}`, e);
  const evaluated = new Set(input.evals.map((e) => e.runId));
  const fooling = new Map<string, number>();
  for (const f of input.fooling ?? []) if (f.n > 0) fooling.set(f.runId, 100 * f.rate);
  const value = (runId: string, metric: string): number | undefined =>
    metric === FOOLING ? fooling.get(runId) : evals.get(`${runId}\u0000${metric}`)?.value;
  const stderr = (runId: string, metric: string): number | undefined => {
    const se = metric === FOOLING ? null : evals.get(`${runId}\u0000${metric}`)?.stderr;
    return se === null || se === undefined || !Number.isFinite(se) ? undefined : se;
  };
  const cell = (runIds: string[], metric: string): TableCell | undefined => {
    const samples = runIds.map((id) => value(id, metric)).filter((x): x is number => x !== undefined && Number.isFinite(x));
    if (samples.length === 0) return undefined;
    const ses = runIds.map((id) => stderr(id, metric)).filter((x): x is number => x !== undefined);
    const iv = meanInterval(samples);
    return { ...iv, std: iv.sd, samples, ...(ses.length > 0 ? { evalSe: ses.reduce((a, b) => a + b, 0) / ses.length } : {}) };
  };

  // The requested LPIPS version, or the other one when only that was computed (labelled as such).
  const wanted = opts.lpipsVersion ?? '0.0';
  const other = wanted === '0.0' ? '0.1' : '0.0';
  const has = (v: string) => input.evals.some((e) => e.metric === EVAL_METRICS.diversityLpips(v));
  const version = has(wanted) || !has(other) ? wanted : other;

  const varied = variedKeys(groups);
  let specs = TABLES.filter((t) => opts.all || t.keys.some((k) => varied.includes(k)));
  if (specs.length === 0) specs = TABLES.filter((t) => t.id === 'methods');

  const tables: PaperTable[] = [];
  for (const spec of specs) {
    const labelKeys = [...spec.keys, ...varied.filter((k) => !spec.keys.includes(k))];
    const candidates = metricsFor(spec.id, version);
    const rows: PaperTableRow[] = groups.map((g) => {
      const values: Record<string, TableCell | undefined> = {};
      for (const m of candidates) values[m.key] = cell(g.runs.map((r) => r.id), m.key);
      // only the runs whose numbers are in the row: a crashed run that was resumed as a new one has curves but no results
      const verdicts = g.runs.filter((r) => evaluated.has(r.id)).map((r) => input.convergence?.[r.id]?.converged).filter((c): c is boolean => c === true || c === false);
      return {
        ...(verdicts.length > 0 ? { convergence: { checked: verdicts.length, notConverged: verdicts.filter((c) => !c).length } } : {}),
        labels: Object.fromEntries(labelKeys.map((k) => [k, display(k, g.flat[k])])),
        config: Object.fromEntries(labelKeys.map((k) => [k, g.flat[k]])),
        runIds: g.runs.map((r) => r.id),
        seeds: g.runs.map((r) => r.seed),
        values,
      };
    });
    rows.sort((a, b) => {
      for (const k of labelKeys) {
        const c = compareValues(k, a.config[k], b.config[k]);
        if (c !== 0) return c;
      }
      return 0;
    });
    const metrics = candidates.filter((m) => rows.some((r) => r.values[m.key] !== undefined));
    if (metrics.length === 0) continue;
    let modes: PaperTable['modes'];
    const referenceRow = findReference(rows, labelKeys, opts.reference);
    const ref = rows[referenceRow];
    if (ref === undefined) throw new Error(`paper tables: reference row ${referenceRow} is not among the ${rows.length} rows`);
    for (const r of rows) {
      if (r === ref) continue;
      for (const m of metrics) {
        const a = r.values[m.key];
        const b = ref.values[m.key];
        if (!a || !b || a.n < 2 || b.n < 2) continue;
        const w = welchTest(a.samples, b.samples);
        if (Number.isFinite(w.p)) a.vsReference = { ...w, significant: w.p < SIGNIFICANCE_LEVEL };
      }
    }
    const refLabel = labelKeys.map((k) => ref.labels[k]).join(' / ');
    const notes: string[] = [
      'mean [95 % CI] (n): Student-t confidence interval over seeds, n runs; each run evaluated on its final checkpoint. ' +
        "1 seed: no interval; the ± then is that run's evaluation standard error over test inputs.",
      `* differs from the reference row ${refLabel} (two-sided Welch's t-test over seeds, p < ${SIGNIFICANCE_LEVEL}; ` +
        'needs ≥ 2 seeds in both rows; no correction for multiple comparisons).',
    ];
    if (opts.reference && findReference(rows, labelKeys, opts.reference, true) < 0) {
      notes.push(`reference '${opts.reference}' is not a row of this table: the first row is the reference.`);
    }
    if (rows.some((r) => r.convergence)) {
      notes.push(
        `not converged: the run's ${CONVERGENCE_SERIES[0]} curve (without it: the first of ${CONVERGENCE_SERIES.slice(1).join(', ')}) still moves: ` +
          `over the last ${CONVERGENCE_RULE.tailFraction * 100} % of its train.eval_every points (≥ ${CONVERGENCE_RULE.minPoints}) ` +
          `the least-squares slope differs from 0 (t-test on the slope, p < ${CONVERGENCE_RULE.alpha}); shown as k/n runs of the row.`,
      );
    } else {
      notes.push('convergence not checked: no run has enough train.eval_every points (at least 7 per curve).');
    }

    if (spec.id !== 'encoder_injection') {
      // The "random real images" upper bound, averaged over the runs that measured it.
      const bound: Record<string, TableCell | undefined> = {};
      const refMetric: Record<string, string> = {
        [EVAL_METRICS.diversityLpips(version)]: EVAL_METRICS.realPairsLpips(version),
        [EVAL_METRICS.diversityL1]: EVAL_METRICS.realPairsL1,
      };
      for (const [col, src] of Object.entries(refMetric)) bound[col] = cell(input.runs.map((r) => r.id), src);
      if (Object.values(bound).some((v) => v !== undefined) && metrics.some((m) => m.key in refMetric)) {
        rows.push({
          labels: Object.fromEntries(labelKeys.map((k, i) => [k, i === 0 ? 'random real images' : ''])),
          config: {},
          runIds: [],
          seeds: [],
          values: bound,
          reference: true,
        });
      }
      // The protocol of every evaluated run; more than one means the numbers are not comparable.
      const protocols = new Set(
        input.evals
          .filter((e) => e.metric === EVAL_METRICS.diversityL1)
          .map((e) => {
            const d = e.details as { n_inputs?: number; n_samples?: number; pairs?: string };
            return `${d.n_inputs} test inputs × ${d.n_samples} random z, ${d.pairs ?? 'consecutive'} pairs`;
          }),
      );
      if (protocols.size === 1) notes.push(`diversity: ${[...protocols][0]}; L1 in [-1,1] pixel units.`);
      if (protocols.size > 1) {
        notes.push(`WARNING: runs were evaluated with different protocols (${[...protocols].join('; ')}): re-run workbench eval with the same eval.* for all.`);
      }
      if (!metrics.some((m) => m.key === EVAL_METRICS.diversityLpips(version))) {
        notes.push("LPIPS not computed (no AlexNet weights: run 'workbench lpips import --alexnet <file>', then re-run eval).");
      } else if (version !== wanted) {
        notes.push(`LPIPS v${wanted} not computed for these runs; showing v${version}.`);
      }
      if (metrics.some((m) => m.key === EVAL_METRICS.c2stAccuracy)) {
        notes.push(
          'realism proxy, C2ST acc.: held-out accuracy of a small real-vs-generated CNN trained on half of the evaluated inputs ' +
            '(0.5 = indistinguishable, 1 = trivially told apart); a proxy, not a human judgment.',
        );
      }
      const cov = input.evals.find((e) => e.metric === EVAL_METRICS.modeCoverage);
      const tv = input.evals.find((e) => e.metric === EVAL_METRICS.modeTv);
      if (cov && metrics.some((m) => m.key === EVAL_METRICS.modeCoverage)) {
        const d = cov.details as { num_modes?: number; n_samples?: number; ideal?: number };
        if (d.num_modes !== undefined && d.n_samples !== undefined && d.ideal !== undefined) {
          modes = { numModes: d.num_modes, samples: d.n_samples, idealCoverage: d.ideal };
        }
        const idealTv = (tv?.details as { ideal?: number } | undefined)?.ideal;
        notes.push(
          `an ideal sampler (K = ${d.num_modes} modes, M = ${d.n_samples} samples) scores mode coverage ${d.ideal?.toFixed(3)}` +
            (idealTv !== undefined ? ` and mode TV ${idealTv.toFixed(3)}` : '') + '.',
        );
      }
    }
    tables.push({
      id: spec.id,
      title: spec.title,
      labelColumns: labelKeys.map((k) => ({ key: k, label: KEY_LABEL[k] ?? k })),
      metrics,
      rows,
      notes,
      referenceRow,
      ...(modes ? { modes } : {}),
    });
  }
  return tables;
}

/** Index of the row labelled `wanted` (all labels joined by ' / ', or the first label alone);
 *  the first row when absent or not found (`strict`: -1 when not found). */
function findReference(rows: PaperTableRow[], labelKeys: string[], wanted: string | undefined, strict = false): number {
  if (wanted) {
    const w = wanted.trim().toLowerCase();
    const [firstKey] = labelKeys;
    const i = rows.findIndex((r) => !r.reference && (labelKeys.map((k) => r.labels[k]).join(' / ').toLowerCase() === w || (firstKey !== undefined && r.labels[firstKey]?.toLowerCase() === w)));
    if (i >= 0 || strict) return i;
  }
  return 0;
}

/** Error for a sweep id the store does not know (the CLI prints it as one line). */
export class UnknownSweepError extends Error {
  override name = 'UnknownSweepError';
}

/** The paper tables of sweep `sweepId`, read from the tracking store. */
export function paperTables(store: TrackingStore, sweepId: string, opts: PaperTablesOptions = {}): PaperTable[] {
  if (!store.getSweep(sweepId)) throw new UnknownSweepError(`unknown sweep '${sweepId}' (list sweeps in the dashboard or with the sweep command)`);
  const { runs } = store.listRuns({ sweepId });
  const ids = runs.map((r) => r.id);
  return buildPaperTables(
    { runs, evals: store.evalResults({ sweepId }), fooling: ids.length > 0 ? store.foolingRates(ids) : [], convergence: runConvergence(store, ids) },
    opts,
  );
}
