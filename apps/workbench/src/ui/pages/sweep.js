// @ts-check
// One sweep: the job grid with statuses, and the paper-layout tables (mean [95 % CI] (n) over
// seeds, * = differs from the reference row by Welch's t-test, rows flagged "not converged") with
// bar charts whose error bars are the 95 % CIs, and CSV / Markdown / LaTeX downloads.
import { api } from '../api.js';
import { h, mount, notice, fmtPm, statusBadge } from '../dom.js';
import { barCard } from '../charts.js';
/** @typedef {import('../api-payloads.js').PaperTable} PaperTable */

/** @type {import('../page-context.js').PageModule['render']} */
export async function render(main, params, ctx) {
  const id = params.id;
  if (!id) {
    mount(main, notice('No sweep id in the address: open a sweep from the Sweeps list (#/sweep/<id>).', 'error'));
    return;
  }
  const jobsHost = h('div', { id: 'job-grid' });
  const tablesHost = h('div', { id: 'paper-tables' });
  const title = h('h1', null, 'Sweep');
  const enc = encodeURIComponent(id);
  mount(main, title,
    h('h2', null, 'Jobs'), jobsHost,
    h('h2', null, 'Tables ',
      h('a', { class: 'btn small', href: `/api/sweeps/${enc}/tables?format=csv`, download: `${id}.csv` }, 'CSV'), ' ',
      h('a', { class: 'btn small', href: `/api/sweeps/${enc}/tables?format=md`, download: `${id}.md` }, 'Markdown'), ' ',
      h('a', { class: 'btn small', href: `/api/sweeps/${enc}/tables?format=latex`, download: `${id}.tex` }, 'LaTeX')),
    tablesHost);

  async function loadJobs() {
    /** @type {import('../api-payloads.js').SweepWithJobs} */
    const s = await api(`/api/sweeps/${enc}`);
    if (!ctx.alive()) return;
    mount(title, s.name || s.id, statusBadge(s.status), h('span', { class: 'muted small mono' }, s.id),
      h('a', { class: 'btn small', href: `#/runs?sweep=${enc}&group=1` }, 'runs grouped'),
      h('a', { class: 'btn small', id: 'sweep-hparams', href: `#/hparams?sweep=${enc}` }, 'hyperparameters vs metrics'));
    mount(jobsHost,
      h('div', { class: 'counts', style: { marginBottom: '8px' } }, Object.entries(s.counts).map(([k, n]) => h('span', { class: `status status-${k}` }, `${k} ${n}`))),
      h('div', { class: 'job-grid' }, s.jobs.map((j) => {
        const st = j.runStatus ?? j.status;
        return h('div', { class: `job s-${st}`, dataset: { status: st } },
          h('div', null, h('b', null, `#${j.index}`), ' ', statusBadge(st, j.exitReason)),
          h('div', { class: 'mono small' }, j.overrides.join(' ')),
          j.runId ? h('a', { href: `#/run/${encodeURIComponent(j.runId)}`, class: 'small' }, 'run ›') : h('span', { class: 'muted small' }, 'no run yet'),
          j.attempts > 1 ? h('span', { class: 'muted small' }, ` · ${j.attempts} attempts`) : null,
          j.slurmJobId ? h('div', { class: 'muted small mono' }, `slurm ${j.slurmJobId}${j.slurmArrayTaskId !== null && j.slurmArrayTaskId !== undefined ? `_${j.slurmArrayTaskId}` : ''}`) : null,
          j.exitReason ? h('div', { class: 'reason' }, j.exitReason) : null);
      })));
  }

  async function loadTables() {
    /** @type {import('../api-payloads.js').SweepTables} */
    const t = await api(`/api/sweeps/${enc}/tables`);
    if (!ctx.alive()) return;
    if (!t.tables.length) {
      mount(tablesHost, notice('No evaluated runs in this sweep yet: `npx workbench eval <sweep-id>` fills the tables.'));
      return;
    }
    mount(tablesHost, t.tables.map((table) => tableBlock(table, ctx)));
  }

  await Promise.all([loadJobs().catch((e) => mount(jobsHost, notice(e.message, 'error'))), loadTables().catch((e) => mount(tablesHost, notice(e.message, 'error')))]);
  ctx.onChange(() => {
    loadJobs().catch(() => {});
    loadTables().catch(() => {});
  });
}

/**
 * One paper table with its bar chart (a menu picks the column when there are several).
 * @param {PaperTable} table
 * @param {import('../page-context.js').PageContext} ctx
 */
function tableBlock(table, ctx) {
  const numericCols = table.columns.filter((c) => table.rows.some((r) => r.cells[c.key]?.mean !== undefined && r.cells[c.key]?.mean !== null));
  const chartHost = h('div');
  const colSel = h('select', null, numericCols.map((c) => h('option', { value: c.key }, c.label)));
  const drawBars = () => {
    const col = colSel.value;
    const rows = table.rows.filter((r) => !r.reference);
    const labels = rows.map((r) => r.labels.filter(Boolean).join(' · '));
    const means = rows.map((r) => r.cells[col]?.mean ?? null);
    // 95 % CI half-widths; rows with one seed get no bar (no interval)
    const errs = rows.map((r) => {
      const cell = r.cells[col];
      return cell && cell.hi !== null ? cell.hi - (cell.mean ?? 0) : 0;
    });
    mount(chartHost, barCard(`${table.title}: ${numericCols.find((c) => c.key === col)?.label ?? col} (mean, 95 % CI over seeds; none for 1 seed)`, labels, [{ label: col, means, errs }], ctx.onLeave));
  };
  colSel.addEventListener('change', drawBars);
  const el = h('div', { class: 'card paper-table', style: { marginBottom: '14px' } },
    h('h2', { style: { marginTop: 0 } }, table.title),

    h('div', null,
      h('div', { style: { overflowX: 'auto', marginBottom: '10px' } }, h('table', { class: 'data' },
        h('thead', null, h('tr', null, table.rowHeader.map((c) => h('th', null, c)),
          table.columns.map((c) => h('th', { class: 'num', title: `${c.better} is better` }, c.label, c.better === 'higher' ? ' ↑' : c.better === 'lower' ? ' ↓' : '')))),
        h('tbody', null, table.rows.map((r) => h('tr', { class: r.reference ? 'reference' : '' },
          r.labels.map((l, i) => h('td', null, l, i === 0 ? (r.marks ?? []).map((m) => h('span', { class: `tag mark-${m.split(' ')[0]}` }, m)) : null)),
          table.columns.map((c) => {
            const cell = r.cells[c.key];
            const title = cell?.p !== undefined ? `Welch's t-test vs the reference row: p = ${cell.p.toPrecision(3)}` : undefined;
            return h('td', { class: `num${cell?.significant ? ' significant' : ''}`, title }, cell ? (cell.text ?? fmtPm(cell.mean, cell.std, cell.n)) : '—');
          })))))),
      table.caption ? h('p', { class: 'muted small' }, table.caption) : null,
      numericCols.length ? h('div', { style: { maxWidth: '720px' } }, numericCols.length > 1 ? h('label', { class: 'small muted' }, 'bar chart of ', colSel) : null, chartHost) : null));
  if (numericCols.length) drawBars();
  return el;
}
