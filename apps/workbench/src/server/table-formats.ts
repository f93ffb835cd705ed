// PaperTable → CSV / Markdown / LaTeX text for downloads.
import type { PaperTable, TableCell } from './sweep-tables.js';

export type TableFormat = 'csv' | 'md' | 'latex';
export const TABLE_FORMATS: Record<TableFormat, { type: string; ext: string }> = {
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  md: { type: 'text/markdown; charset=utf-8', ext: 'md' },
  latex: { type: 'application/x-latex; charset=utf-8', ext: 'tex' },
};

const sig = (v: number | null): string => (v === null ? '' : Number(v.toPrecision(4)).toString());

function cellText(c: TableCell | undefined): string {
  if (!c) return '—';
  if (c.text) return c.text;
  if (c.mean === null) return '—';
  return c.std !== null && c.n > 1 ? `${sig(c.mean)} ± ${sig(c.std)} (${c.n})` : `${sig(c.mean)} (${c.n})`;
}

function csvField(s: string): string {
  // Also neutralise spreadsheet formulas (=, +, -, @ at the start) in free text.
  const safe = /^[=+\-@]/.test(s) && Number.isNaN(Number(s)) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(tables: PaperTable[]): string {
  const lines: string[] = [];
  for (const t of tables) {
    // Long format: one number per field, so spreadsheets can compute with it.
    lines.push(['table', ...t.rowHeader, 'metric', 'mean', 'std', 'n', 'ci_low', 'ci_high'].map(csvField).join(','));
    for (const r of t.rows) {
      for (const c of t.columns) {
        const cell = r.cells[c.key];
        if (!cell) continue;
        lines.push([t.id, ...r.labels, c.key, sig(cell.mean), sig(cell.std), String(cell.n), sig(cell.low ?? null), sig(cell.high ?? null)].map(csvField).join(','));
      }
    }
  }
  return lines.join('\n') + '\n';
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function toMarkdown(tables: PaperTable[]): string {
  const out: string[] = [];
  for (const t of tables) {
    out.push(`### ${mdEscape(t.title)}`, '');
    if (t.caption) out.push(`_${mdEscape(t.caption)}_`, '');
    const head = [...t.rowHeader, ...t.columns.map((c) => c.label)].map(mdEscape);
    out.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < t.rowHeader.length ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const r of t.rows) out.push(`| ${[...r.labels, ...t.columns.map((c) => cellText(r.cells[c.key]))].map(mdEscape).join(' | ')} |`);
    out.push('');
  }
  return out.join('\n');
}

function texEscape(s: string): string {
  return s.replace(/[\\{}$&#^_%~]/g, (c) => (c === '\\' ? '\\textbackslash{}' : c === '~' ? '\\textasciitilde{}' : c === '^' ? '\\textasciicircum{}' : `\\${c}`)).replace(/±/g, '$\\pm$');
}

export function toLatex(tables: PaperTable[]): string {
  const out: string[] = [];
  for (const t of tables) {
    const spec = 'l'.repeat(t.rowHeader.length) + 'r'.repeat(t.columns.length);
    out.push('\\begin{table}[t]', '\\centering', `\\begin{tabular}{${spec}}`, '\\toprule');
    out.push([...t.rowHeader, ...t.columns.map((c) => c.label)].map(texEscape).join(' & ') + ' \\\\', '\\midrule');
    for (const r of t.rows) out.push([...r.labels, ...t.columns.map((c) => cellText(r.cells[c.key]))].map(texEscape).join(' & ') + ' \\\\');
    out.push('\\bottomrule', '\\end{tabular}', `\\caption{${texEscape(t.caption ?? t.title)}}`, `\\label{tab:${t.id.replace(/[^A-Za-z0-9:-]/g, '')}}`, '\\end{table}', '');
  }
  return out.join('\n');
}

export function formatTables(tables: PaperTable[], format: TableFormat): string {
  return format === 'csv' ? toCsv(tables) : format === 'md' ? toMarkdown(tables) : toLatex(tables);
}
