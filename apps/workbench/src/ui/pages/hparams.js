// @ts-check
// Hyperparameters against metrics for a sweep (or any runs): a parallel-coordinates plot with one
// axis per swept key and chosen metric (drag on an axis to brush a range) and a scatter of any
// key or metric against another, coloured by a third (e.g. diversity vs mode coverage by method).
// State (sweep, axes, colour, x/y) lives in the URL hash so a view can be shared.
import { api, url } from '../api.js';
/** @typedef {import('../api-payloads.js').HparamColumn} HparamColumn */
/** @typedef {import('../api-payloads.js').HparamPoint} HparamPoint */
/** A scatter point: the run's positions on the x and y columns (categories by index). */
/** @typedef {{ x: number, y: number, run: HparamPoint }} ScatterPoint */
import { h, mount, notice, fmt, configValue, runLabels } from '../dom.js';
import { colorScale } from '../color-scale.js';
import { parallelCoords } from '../parallel-coords.js';
import { ZOOM_OFF } from '../charts.js';

/**
 * Default axes: the swept config keys (not the seed) and the paper's headline metrics.
 * @param {HparamColumn[]} columns
 * @returns {string[]} column ids
 */
function defaultAxes(columns) {
  const config = columns.filter((c) => c.kind === 'config' && c.key !== 'seed').map((c) => c.id);
  const evals = ['eval:diversity_lpips_v0.0', 'eval:diversity_lpips_v0.1', 'eval:diversity_l1', 'eval:mode_coverage', 'eval:reconstruction_l1'].filter((id) => columns.some((c) => c.id === id));
  const oneDiversity = evals.filter((id, i) => !/diversity/.test(id) || evals.findIndex((x) => /diversity/.test(x)) === i);
  const axes = [...config, ...oneDiversity];
  return axes.length >= 2 ? axes : columns.slice(0, 4).map((c) => c.id);
}

/** @type {import('../page-context.js').PageModule['render']} */
export async function render(main, params, ctx) {
  /** @type {{ sweep: string, axes: string[] | null, color: string, x: string, y: string, sc: string }} */
  const state = { sweep: params.sweep ?? '', axes: params.axes ? params.axes.split(',') : null, color: params.color ?? '', x: params.x ?? '', y: params.y ?? '', sc: params.sc ?? '' };
  const sweepSel = h('select', { id: 'hp-sweep' }, h('option', { value: '' }, 'all runs'));
  const axisPicker = h('div', { class: 'axis-picker', id: 'hp-axes' });
  const colorSel = h('select', { id: 'hp-color' });
  const pcpHost = h('div', { class: 'card pcp-host', id: 'hp-pcp' });
  const selInfo = h('span', { class: 'muted', id: 'hp-selected' });
  const tableHost = h('div', { id: 'hp-table' });
  const xSel = h('select', { id: 'hp-x' });
  const ySel = h('select', { id: 'hp-y' });
  const scSel = h('select', { id: 'hp-sc' });
  const canvas = h('canvas', { id: 'hp-scatter' });
  const scatterHost = h('div', { class: 'card chart-card' }, h('div', { class: 'chart-box', style: { height: '380px' } }, canvas));
  const clearBtn = h('button', { class: 'btn small', type: 'button' }, 'clear brushes');
  const compareLink = h('a', { class: 'btn small', id: 'hp-compare' }, 'compare selected');
  mount(main,
    h('h1', null, 'Hyperparameters vs metrics'),
    h('div', { class: 'toolbar' }, h('label', null, 'sweep ', sweepSel), h('label', null, 'colour by ', colorSel), clearBtn, compareLink, selInfo),
    axisPicker,
    h('h2', null, 'Parallel coordinates ', h('span', { class: 'muted small' }, 'drag along an axis to keep a range; click an axis to clear it')),
    pcpHost,
    tableHost,
    h('h2', null, 'Scatter'),
    h('div', { class: 'toolbar' }, h('label', null, 'x ', xSel), h('label', null, 'y ', ySel), h('label', null, 'colour by ', scSel)),
    scatterHost);

  /** @type {Pick<import('../api-payloads.js').SweepsPage, 'sweeps'>} */
  const sweeps = await api('/api/sweeps?archived=include').catch(() => ({ sweeps: [] }));
  if (!ctx.alive()) return;
  mount(sweepSel, h('option', { value: '' }, 'all runs'), sweeps.sweeps.map((s) => h('option', { value: s.id }, `${s.name || s.id} (${s.jobCount} jobs)`)));
  const newestSweep = sweeps.sweeps[0];
  if (!state.sweep && newestSweep) state.sweep = newestSweep.id;
  sweepSel.value = state.sweep;

  /** @type {{ columns: HparamColumn[], points: HparamPoint[] }} */
  let data = { columns: [], points: [] };
  /** @type {string[]} */
  let selected = [];
  /** @type {ReturnType<typeof parallelCoords> | null} */
  let pcp = null;
  /** @type {import('chart.js').Chart<'scatter', ScatterPoint[]> | null} */
  let chart = null;
  ctx.onLeave(() => chart?.destroy());
  const col = (/** @type {string} */ id) => data.columns.find((c) => c.id === id);

  const pushState = () => {
    const p = new URLSearchParams();
    for (const k of /** @type {const} */ (['sweep', 'color', 'x', 'y', 'sc'])) if (state[k]) p.set(k, state[k]);
    if (state.axes) p.set('axes', state.axes.join(','));
    history.replaceState(null, '', `#/hparams?${p}`);
  };

  /**
   * Fill a column menu and select `value`.
   * @param {HTMLSelectElement} sel
   * @param {string} value
   * @param {boolean} [withNone] offer '—' (no column)
   */
  const options = (sel, value, withNone) => {
    mount(sel, withNone ? h('option', { value: '' }, '—') : null, data.columns.map((c) => h('option', { value: c.id }, c.label)));
    sel.value = value;
  };

  function drawPcp() {
    // No axes before a sweep with 2+ runs is loaded (the colour menu may still show an older one).
    if (!state.axes) return;
    const axes = state.axes.map(col).filter((c) => c !== undefined);
    const scale = colorScale(col(state.color), data.points);
    pcp = parallelCoords({
      columns: axes,
      points: data.points,
      colorOf: scale.colorOf,
      onBrush: (ids) => {
        selected = ids;
        selInfo.textContent = `${ids.length} of ${data.points.length} runs`;
        compareLink.href = `#/compare?ids=${ids.map(encodeURIComponent).join(',')}`;
        compareLink.hidden = ids.length < 2 || ids.length > 50;
        renderTable();
      },
    });
    mount(pcpHost, pcp.el, h('div', { class: 'small' }, scale.legend.map((l) => h('span', { style: { marginRight: '10px' } }, h('span', { class: 'swatch', style: { background: l.color } }), l.label))));
  }

  function renderTable() {
    const axes = (state.axes ?? []).map(col).filter((c) => c !== undefined);
    const rows = data.points.filter((p) => selected.includes(p.id));
    const labels = runLabels(data.points);
    mount(tableHost, h('table', { class: 'data hp-runs' },
      h('thead', null, h('tr', null, h('th', null, 'run'), axes.map((c) => h('th', { class: c.numeric ? 'num' : '' }, c.label)))),
      h('tbody', null, rows.map((p) => h('tr', { dataset: { runId: p.id } },
        h('td', null, h('a', { href: `#/run/${encodeURIComponent(p.id)}` }, labels.get(p.id))),
        axes.map((c) => h('td', { class: c.numeric ? 'num' : 'mono' }, c.numeric ? fmt(p.values[c.id]) : configValue(p.values[c.id]))))))));
  }

  function drawScatter() {
    const xc = col(state.x);
    const yc = col(state.y);
    chart?.destroy();
    chart = null;
    if (!xc || !yc) return;
    const scale = colorScale(col(state.sc), data.points);
    const pts = data.points.filter((p) => p.values[xc.id] !== null && p.values[xc.id] !== undefined && p.values[yc.id] !== null && p.values[yc.id] !== undefined);
    /** A number's own value; a category's index in the column's values. */
    const pos = (/** @type {HparamColumn} */ c, /** @type {import('../api-payloads.js').HparamValue | undefined} */ v) => (c.numeric && typeof v === 'number' ? v : (c.values ?? []).findIndex((x) => JSON.stringify(x) === JSON.stringify(v)));
    /** @returns {ScatterPoint} */
    const point = (/** @type {HparamPoint} */ p) => ({ x: pos(xc, p.values[xc.id]), y: pos(yc, p.values[yc.id]), run: p });
    const colourBy = col(state.sc);
    const categorical = colourBy && !colourBy.numeric;
    // Categorical colour: one dataset (legend entry) per category; numeric: one dataset, a colour per point.
    /** @type {import('chart.js').ChartDataset<'scatter', ScatterPoint[]>[]} */
    const datasets = categorical
      ? scale.legend.map((l) => {
        const mine = pts.filter((p) => JSON.stringify(p.values[state.sc]) === JSON.stringify(l.value));
        return { label: l.label, data: mine.map(point), backgroundColor: l.color, borderColor: l.color, pointRadius: 5 };
      }).filter((d) => d.data.length)
      : [{ label: col(state.sc)?.label ?? 'runs', data: pts.map(point), backgroundColor: pts.map(scale.colorOf), borderColor: pts.map(scale.colorOf), pointRadius: 5 }];
    const axis = (/** @type {HparamColumn} */ c) => ({
      type: /** @type {const} */ ('linear'),
      title: { display: true, text: c.label },
      // Categories sit at 0, 1, 2, …: label the whole ticks with their category.
      ...(c.numeric ? {} : { min: -0.5, max: (c.values?.length ?? 1) - 0.5, ticks: { stepSize: 1, callback: (/** @type {string | number} */ v) => (typeof v === 'number' && Number.isInteger(v) ? String(c.values?.[v] ?? '') : '') } }),
    });
    /** @type {import('chart.js').ChartConfiguration<'scatter', ScatterPoint[]>} */
    const config = {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: axis(xc), y: axis(yc) },
        plugins: {
          legend: { display: datasets.length > 1, position: 'bottom' },
          tooltip: {
            callbacks: {
              label: (item) => {
                const { run } = /** @type {ScatterPoint} */ (item.raw); // the point this chart was given
                return `${run.name || run.id}: ${fmt(run.values[xc.id])}, ${fmt(run.values[yc.id])}`;
              },
            },
          },
          zoom: ZOOM_OFF,
        },
        onClick: (_e, els) => {
          const el = els[0];
          // chart.data.datasets is `datasets`, the array given to the chart.
          const run = el && datasets[el.datasetIndex]?.data[el.index]?.run;
          if (run) location.hash = `#/run/${encodeURIComponent(run.id)}`;
        },
      },
    };
    const scatter = new window.Chart(canvas, config);
    chart = scatter;
    canvas.__chart = scatter;
  }

  function renderAxisPicker() {
    mount(axisPicker, h('span', { class: 'muted small' }, 'axes: '), data.columns.map((c) => {
      const box = h('input', { type: 'checkbox', checked: (state.axes ?? []).includes(c.id), dataset: { axis: c.id } });
      box.addEventListener('change', () => {
        const axes = state.axes ?? [];
        state.axes = box.checked ? [...axes, c.id] : axes.filter((a) => a !== c.id);
        pushState();
        drawPcp();
      });
      return h('label', null, box, ' ', c.label);
    }));
  }

  async function load() {
    data = await api(url('/api/hparams', { sweep: state.sweep }));
    if (!ctx.alive()) return;
    if (data.points.length < 2 || !data.columns.length) {
      mount(pcpHost, notice(data.points.length ? 'Only one run here: nothing to compare against.' : 'No runs here yet.'));
      mount(tableHost);
      return;
    }
    const known = (/** @type {string} */ id) => data.columns.some((c) => c.id === id);
    if (!state.axes || !state.axes.some(known)) state.axes = defaultAxes(data.columns);
    state.axes = state.axes.filter(known);
    const firstConfig = data.columns.find((c) => c.kind === 'config' && c.key !== 'seed')?.id ?? '';
    if (!known(state.color)) state.color = known('config:method') ? 'config:method' : firstConfig;
    const evalIds = defaultAxes(data.columns).filter((id) => id.startsWith('eval:'));
    // At least one column and two points here; one column serves as both x and y.
    const [first, second = first] = data.columns;
    if (!known(state.x)) state.x = evalIds.find((id) => id.includes('diversity')) ?? first?.id ?? '';
    if (!known(state.y)) state.y = evalIds.find((id) => id.includes('mode_coverage')) ?? second?.id ?? '';
    if (!known(state.sc)) state.sc = state.color;
    options(colorSel, state.color, true);
    options(xSel, state.x);
    options(ySel, state.y);
    options(scSel, state.sc, true);
    pushState();
    renderAxisPicker();
    drawPcp();
    drawScatter();
  }

  sweepSel.addEventListener('change', () => { state.sweep = sweepSel.value; state.axes = null; load().catch((e) => mount(pcpHost, notice(e.message, 'error'))); });
  colorSel.addEventListener('change', () => { state.color = colorSel.value; pushState(); drawPcp(); });
  for (const [sel, key] of /** @type {const} */ ([[xSel, 'x'], [ySel, 'y'], [scSel, 'sc']])) sel.addEventListener('change', () => { state[key] = sel.value; pushState(); drawScatter(); });
  clearBtn.addEventListener('click', () => pcp?.clear());
  await load().catch((e) => mount(pcpHost, notice(e.message, 'error')));
}
