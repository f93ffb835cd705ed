// Text forms of the paper tables: Markdown (reading), CSV (analysis, one row per cell value),
// LaTeX (booktabs, for the paper draft) and JSON (everything, for programs).
import type { MeanStd } from '@workbench/tracking';
import { NO_INTERVAL_TEXT } from '../stats/mean-interval.js';
import type { PaperTable, PaperTableRow, TableCell, TableMetric } from './paper-tables.js';

export const TABLE_FORMATS = ['md', 'csv', 'latex', 'json'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

export function parseTableFormat(s: string): TableFormat {
  if ((TABLE_FORMATS as readonly string[]).includes(s)) return s as TableFormat;
  throw new Error(`unknown table format '${s}': use one of ${TABLE_FORMATS.join(', ')}`);
}

/** `0.1100 ± 0.0020 (3)`; a single run: `0.1100 (1)`; no value: `–`. */
export function formatMeanStd(v: MeanStd | undefined, digits: number, pm = '±'): string {
  if (!v || v.n === 0 || !Number.isFinite(v.mean)) return '–';
  const m = v.mean.toFixed(digits);
  if (v.n < 2 || !Number.isFinite(v.std)) return `${m} (${v.n})`;
  return `${m} ${pm} ${v.std.toFixed(digits)} (${v.n})`;
}

/**
 * A table cell as text: `0.657 [0.557, 0.758] (3) *` (mean, 95 % CI, n; `*` = differs from the
 * reference row); one seed: `0.194 ± 0.017 (1 seed: no interval)` with the evaluation's standard
 * error; no value: `–`.
 */
export function formatCell(c: TableCell | undefined, digits: number): string {
  if (!c || c.n === 0 || !Number.isFinite(c.mean)) return '–';
  const f = (x: number) => x.toFixed(digits);
  if (c.n < 2) return `${f(c.mean)}${c.evalSe !== undefined ? ` ± ${f(c.evalSe)}` : ''} (${NO_INTERVAL_TEXT})`;
  return `${f(c.mean)} [${f(c.lo)}, ${f(c.hi)}] (${c.n})${c.vsReference?.significant ? ' *' : ''}`;
}

/** The marks of row `index`: `reference`, `not converged k/n`. */
export function rowMarks(t: PaperTable, index: number): string[] {
  const r = t.rows[index];
  if (r === undefined) throw new Error(`paper table: no row ${index} (it has ${t.rows.length})`);
  const marks: string[] = [];
  if (index === t.referenceRow && !r.reference) marks.push('reference');
  if (r.convergence && r.convergence.notConverged > 0) marks.push(`not converged ${r.convergence.notConverged}/${r.convergence.checked}`);
  return marks;
}

/** The first label cell with the row's marks. */
function rowTitle(t: PaperTable, r: PaperTableRow, index: number): string {
  const key = t.labelColumns[0]?.key;
  const first = (key === undefined ? undefined : r.labels[key]) ?? '';
  const marks = rowMarks(t, index);
  return marks.length > 0 ? `${first} (${marks.join('; ')})` : first;
}

function header(m: TableMetric): string {
  return `${m.label} ${m.better === 'higher' ? '↑' : '↓'}`;
}

/** Text for a Markdown table cell: `|` escaped. */
export function escapeMarkdownCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function markdown(tables: PaperTable[]): string {
  const esc = escapeMarkdownCell;
  return tables
    .map((t) => {
      const cols = [...t.labelColumns.map((c) => c.label), ...t.metrics.map(header)];
      const lines = [
        `### ${t.title}`,
        '',
        `| ${cols.map(esc).join(' | ')} |`,
        `|${t.labelColumns.map(() => ' --- ').join('|')}|${t.metrics.map(() => ' ---: ').join('|')}|`,
        ...t.rows.map((r, ri) => {
          const labels = t.labelColumns.map((c, i) => (i === 0 ? rowTitle(t, r, ri) : (r.labels[c.key] ?? '')));
          const cells = [...labels, ...t.metrics.map((m) => formatCell(r.values[m.key], m.digits))];
          return `| ${cells.map((c, i) => (r.reference && i === 0 ? `*${esc(c)}*` : esc(c))).join(' | ')} |`;
        }),
        '',
        ...t.notes.map((n) => `- ${n}`),
      ];
      return lines.join('\n');
    })
    .join('\n\n');
}

function csvCell(s: string | number): string {
  const t = String(s);
  // A bare \r ends a record for spreadsheet readers just like \n: quote it too (RFC 4180).
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** Long format: one line per (table, row, metric), ready for pandas / R. */
function csv(tables: PaperTable[]): string {
  const lines = ['table,row,metric,mean,std,n,ci95_lo,ci95_hi,eval_se,reference_row,welch_p,significant,not_converged,run_ids'];
  const num = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : '');
  const rowKey = (t: PaperTable, r: PaperTableRow) =>
    t.labelColumns.map((c) => `${c.key}=${r.reference ? (r.labels[c.key] ?? '') : String(r.config[c.key])}`).join('; ');
  for (const t of tables) {
    const refRow = t.rows[t.referenceRow];
    if (refRow === undefined) throw new Error(`paper table: no reference row ${t.referenceRow} (it has ${t.rows.length})`);
    const ref = rowKey(t, refRow);
    for (const r of t.rows) {
      const row = rowKey(t, r);
      const conv = r.convergence ? `${r.convergence.notConverged}/${r.convergence.checked}` : '';
      for (const m of t.metrics) {
        const v = r.values[m.key];
        if (!v) continue;
        const w = v.vsReference;
        lines.push(
          [t.id, row, m.key, v.mean, num(v.std), v.n, num(v.lo), num(v.hi), num(v.evalSe), r.reference ? '' : ref, num(w?.p), w ? String(w.significant) : '', conv, r.runIds.join(' ')]
            .map(csvCell)
            .join(','),
        );
      }
    }
  }
  return lines.join('\n');
}

/** LaTeX's ten special characters, replaced in ONE pass (a second pass would escape the braces
 *  of `\textbackslash{}` again). */
const LATEX_SPECIAL: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  _: '\\_',
  '%': '\\%',
  '&': '\\&',
  '#': '\\#',
  $: '\\$',
  '{': '\\{',
  '}': '\\}',
};

function latexEscape(s: string): string {
  return s
    .replace(/[\\~^_%&#${}]/g, (c) => LATEX_SPECIAL[c] ?? c)
    .replace(/‖/g, '\\|')
    .replace(/×/g, '$\\times$')
    .replace(/±/g, '$\\pm$')
    .replace(/≥/g, '$\\geq$')
    .replace(/−/g, '-')
    .replace(/₁/g, '$_1$')
    .replace(/↑/g, '$\\uparrow$')
    .replace(/↓/g, '$\\downarrow$')
    .replace(/\|z\|/g, '$|z|$');
}

/** `$0.657$ {\scriptsize [0.557, 0.758] (3)}$^{*}$`; one seed: `$0.194 \pm 0.017$ {\scriptsize (1 seed: no interval)}`. */
function latexCell(c: TableCell | undefined, digits: number): string {
  if (!c || c.n === 0 || !Number.isFinite(c.mean)) return '--';
  const f = (x: number) => x.toFixed(digits);
  if (c.n < 2) return `$${f(c.mean)}${c.evalSe !== undefined ? ` \\pm ${f(c.evalSe)}` : ''}$ {\\scriptsize (${NO_INTERVAL_TEXT})}`;
  return `$${f(c.mean)}$ {\\scriptsize [${f(c.lo)}, ${f(c.hi)}] (${c.n})}${c.vsReference?.significant ? '$^{*}$' : ''}`;
}

function latex(tables: PaperTable[]): string {
  return tables
    .map((t) => {
      const align = `${'l'.repeat(t.labelColumns.length)}${'r'.repeat(t.metrics.length)}`;
      const head = [...t.labelColumns.map((c) => latexEscape(c.label)), ...t.metrics.map((m) => latexEscape(header(m)))];
      const body = t.rows.map((r, ri) => {
        const cells = [
          ...t.labelColumns.map((c, i) => latexEscape(i === 0 ? rowTitle(t, r, ri) : (r.labels[c.key] ?? ''))),
          ...t.metrics.map((m) => latexCell(r.values[m.key], m.digits)),
        ];
        return `${r.reference ? '\\midrule\n' : ''}${cells.join(' & ')} \\\\`;
      });
      return [
        `% ${t.title}`,
        '\\begin{table}[t]',
        '\\centering',
        `\\begin{tabular}{${align}}`,
        '\\toprule',
        `${head.join(' & ')} \\\\`,
        '\\midrule',
        ...body,
        '\\bottomrule',
        '\\end{tabular}',
        `\\caption{${latexEscape(t.title)}. ${t.notes.map(latexEscape).join(' ')}}`,
        `\\label{tab:${t.id.replace(/_/g, '-')}}`,
        '\\end{table}',
      ].join('\n');
    })
    .join('\n\n');
}

/** The tables in `format`; an empty list gives a one-line explanation (md) or an empty document. */
export function formatTables(tables: PaperTable[], format: TableFormat): string {
  if (format === 'json') return JSON.stringify(tables, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2);
  if (tables.length === 0) {
    return format === 'md' ? 'no evaluated runs in this sweep yet: run `workbench eval <sweep-id>` first.' : format === 'csv' ? csv([]) : '';
  }
  if (format === 'md') return markdown(tables);
  if (format === 'csv') return csv(tables);
  return latex(tables);
}
