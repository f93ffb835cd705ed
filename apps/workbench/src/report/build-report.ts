// `workbench report <sweep>`: one self-contained folder for a paper draft or a lab notebook:
//
//   <out>/README.md          swept keys, runs per group, the tables with 95 % CIs and Welch marks,
//                            the charts and grids below, and how it was made
//   <out>/tables.{md,csv,tex} the same tables in the three export formats
//   <out>/charts/*.png       one bar chart per table metric (95 % CI whiskers) and one metric curve
//                            per eval_* series (mean over seeds with a 95 % CI band)
//   <out>/grids/*.png|jpg    one sample grid per group (its seeds' eval grids, stacked); stale ones removed
//
// Everything is read from the tracking store and the run folders; nothing is recomputed.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { escapeMarkdownCell, formatTables, paperTables, type PaperTable } from '@workbench/metrics';
import { studentTQuantile } from '@workbench/metrics/stats';
import { configDiff, runFolder, type RunRow, type TrackingStore } from '@workbench/tracking';
import { barChart, curveChart, type CurveBand } from './report-charts.js';
import { stackGrids } from './group-grid.js';

export interface ReportOptions {
  /** output folder (created) */
  outDir: string;
  /** the tracking database file (named in the report) */
  dbPath: string;
  /** the folder of run folders (`train.runs_dir`): a run's grids are in `runFolder(runsRoot, id)` */
  runsRoot: string;
  /** row the others are tested against (see paperTables) */
  reference?: string;
  /** curve points per chart (default 200) */
  points?: number;
  /** which LPIPS version's diversity the tables show (see paperTables; default 0.0) */
  lpipsVersion?: '0.0' | '0.1';
  /** seeds per group grid (default all; the committed reproduction keeps 1 to stay small) */
  gridSeeds?: number;
}

export interface ReportResult {
  readmePath: string;
  /** the paper tables the report shows */
  tables: PaperTable[];
  charts: string[];
  grids: string[];
}

/** Series plotted when runs have no eval_* curves (train.eval_every=0 or older runs). */
const FALLBACK_CURVES = ['G_L1', 'loss_G'];
/** Keys that never label a group (they differ per run, not per configuration). */
const NOT_A_LABEL = ['seed', 'name', 'sweep', 'tracking', 'resume', 'train.runs_dir'];

const slug = (s: string): string => s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'x';

interface Group {
  label: string;
  runs: RunRow[];
}

/** Runs by group key, labelled by the config keys that differ between groups. */
function groupsOf(runs: RunRow[]): Group[] {
  const byKey = new Map<string, RunRow[]>();
  for (const r of [...runs].sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0))) byKey.set(r.groupKey, [...(byKey.get(r.groupKey) ?? []), r]);
  const groups = [...byKey.values()].map((rs) => {
    const [first] = rs;
    if (!first) throw new Error('report: a group without runs');
    return { first, rs };
  });
  const diff = configDiff(groups.map(({ first }) => ({ ...first.config, method: first.method })), { ignore: NOT_A_LABEL });
  return groups.map(({ first, rs }, i) => ({
    label: diff.length ? diff.map((d) => `${d.key}=${JSON.stringify(d.values[i]).replace(/^"|"$/g, '')}`).join(', ') : first.method,
    runs: rs,
  }));
}

/** The run's newest eval grid, else its newest training grid (absolute path), if the file exists. */
function gridOf(store: TrackingStore, run: RunRow, runsRoot: string): string | undefined {
  for (const kind of ['eval_grid', 'train_grid']) {
    const arts = store.listArtifacts(run.id, { kind }).sort((a, b) => (b.step ?? 0) - (a.step ?? 0));
    for (const a of arts) {
      const p = join(runFolder(runsRoot, run.id), a.path);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

function curveBands(store: TrackingStore, groups: Group[], key: string, points: number): CurveBand[] {
  return groups
    .map((g) => {
      const pts = store.groupSeries(g.runs.map((r) => r.id), key, { maxPoints: points }).points.filter((p) => Number.isFinite(p.mean));
      return {
        label: `${g.label} (n=${g.runs.length})`,
        steps: pts.map((p) => Math.round(p.step)),
        mean: pts.map((p) => p.mean),
        half: pts.map((p) => (p.n > 1 && Number.isFinite(p.std) ? (studentTQuantile(0.975, p.n - 1) * p.std) / Math.sqrt(p.n) : 0)),
      };
    })
    .filter((b) => b.steps.length > 0);
}

function mdTable(header: string[], rows: string[][]): string {
  const esc = escapeMarkdownCell;
  return [`| ${header.map(esc).join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

export async function buildReport(store: TrackingStore, sweepId: string, opts: ReportOptions): Promise<ReportResult> {
  const tables: PaperTable[] = paperTables(store, sweepId, { reference: opts.reference, ...(opts.lpipsVersion && { lpipsVersion: opts.lpipsVersion }) }); // throws UnknownSweepError
  const sweep = store.getSweep(sweepId)!;
  const { runs } = store.listRuns({ sweepId });
  const groups = groupsOf(runs);
  const out = resolve(opts.outDir);
  mkdirSync(join(out, 'charts'), { recursive: true });
  mkdirSync(join(out, 'grids'), { recursive: true });
  const charts: string[] = [];
  const grids: string[] = [];
  const rel = (p: string) => relative(out, p);

  const md: string[] = [`# Sweep ${sweep.id}${sweep.name ? `: ${sweep.name}` : ''}`, ''];
  md.push(`Generated ${new Date().toISOString()} by \`workbench report ${sweepId}\` from \`${resolve(opts.dbPath)}\`.`);
  if (sweep.experiment) md.push(`Experiment: \`${sweep.experiment}\`.`);
  if (sweep.command) md.push(`Sweep command: \`${sweep.command}\`.`);
  md.push(`Jobs: ${Object.entries(sweep.counts).map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}.`, '');

  md.push('## Swept keys', '');
  const grid = (sweep.grid ?? {}) as Record<string, unknown[]>;
  md.push(Object.keys(grid).length ? mdTable(['key', 'values'], Object.entries(grid).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]).map(String).join(', ')])) : 'No grid recorded.', '');
  if (sweep.overrides?.length) md.push(`Fixed overrides: \`${sweep.overrides.join(' ')}\``, '');

  md.push('## Runs', '');
  md.push(mdTable(['group', 'seeds', 'status', 'runs'], groups.map((g) => [g.label, g.runs.map((r) => String(r.seed ?? '–')).join(', '), [...new Set(g.runs.map((r) => r.status))].join(', '), g.runs.map((r) => r.id).join(' ')])), '');

  md.push('## Tables', '');
  if (tables.length === 0) md.push(formatTables([], 'md'), '');
  for (const t of tables) {
    md.push(formatTables([t], 'md'), '');
    const rows = t.rows.filter((r) => !r.reference);
    for (const m of t.metrics) {
      const bars = rows
        .filter((r) => r.values[m.key])
        .map((r) => {
          const c = r.values[m.key]!;
          return { label: t.labelColumns.map((col) => r.labels[col.key]).join(' / '), mean: c.mean, lo: c.n > 1 ? c.lo : null, hi: c.n > 1 ? c.hi : null };
        });
      if (bars.length === 0) continue;
      const file = join(out, 'charts', `${slug(t.id)}-${slug(m.key)}.png`);
      writeFileSync(file, await barChart(`${m.label} ${m.better === 'higher' ? '↑' : '↓'}`, bars));
      charts.push(file);
      md.push(`![${t.id}: ${m.label}](${rel(file)})`);
    }
    md.push('');
  }
  writeFileSync(join(out, 'tables.md'), `${formatTables(tables, 'md')}\n`);
  writeFileSync(join(out, 'tables.csv'), `${formatTables(tables, 'csv')}\n`);
  writeFileSync(join(out, 'tables.tex'), `${formatTables(tables, 'latex')}\n`);

  md.push('## Metric curves', '');
  const keys = new Set(runs.flatMap((r) => store.metricKeys(r.id)));
  const evalKeys = [...keys].filter((k) => k.startsWith('eval_') && k !== 'eval_seconds').sort();
  const curveKeys = evalKeys.length ? evalKeys : FALLBACK_CURVES.filter((k) => keys.has(k));
  if (!evalKeys.length) md.push('No `eval_*` curves (runs trained with `train.eval_every=0`): the training losses instead.', '');
  for (const key of curveKeys) {
    const bands = curveBands(store, groups, key, opts.points ?? 200);
    if (bands.length === 0) continue;
    const file = join(out, 'charts', `curve-${slug(key)}.png`);
    writeFileSync(file, await curveChart(key, bands));
    charts.push(file);
    md.push(`![${key}](${rel(file)})`, '');
  }

  md.push('## Sample grids', '');
  const seedsText = opts.gridSeeds === undefined ? 'each seed\'s' : `the first ${opts.gridSeeds === 1 ? 'seed\'s' : `${opts.gridSeeds} seeds'`}`;
  md.push(`One grid per group: ${seedsText} evaluation grid (rows: test inputs; columns: input A, ground truth, encoded G(A, E(B)), random-z samples), or its last training grid when it was not evaluated.`, '');
  for (const [i, g] of groups.entries()) {
    const panels = g.runs.slice(0, opts.gridSeeds ?? g.runs.length).map((r) => ({ caption: `seed ${r.seed ?? '–'} · ${r.id}`, path: gridOf(store, r, opts.runsRoot) })).filter((p): p is { caption: string; path: string } => p.path !== undefined);
    if (panels.length === 0) {
      md.push(`### ${g.label}`, '', 'No grid image in the run folders.', '');
      continue;
    }
    const encoded = await stackGrids(g.label, panels);
    const file = join(out, 'grids', `${String(i + 1).padStart(2, '0')}-${slug(g.label)}.${encoded.ext}`);
    writeFileSync(file, encoded.data);
    grids.push(file);
    md.push(`### ${g.label}`, '', `![${g.label}](${rel(file)})`, '');
  }
  // Grids of an earlier build (other groups, the other format) would sit beside these unlinked.
  for (const f of readdirSync(join(out, 'grids'))) {
    const p = join(out, 'grids', f);
    if (/\.(png|jpg)$/.test(f) && !grids.includes(p)) rmSync(p);
  }
  const readmePath = join(out, 'README.md');
  writeFileSync(readmePath, `${md.join('\n')}\n`);
  return { readmePath, tables, charts, grids };
}
