// @ts-check
// chart.js helpers: metric curves with smoothing, log scale and zoom; mean ± std bands; bar charts
// with error bars. Series arrive downsampled by the server as {steps: [...], values: [...]}.
import { h } from './dom.js';
import { errorBarsPlugin } from './error-bars.js';

/** A point of a curve: y null where the value is missing or not finite (a gap). */
/** @typedef {{ x: number, y: number | null }} XY */
/**
 * One curve: a metric of one run, downsampled by the server (`times`: wall-clock ms per point).
 * @typedef {{ label: string, steps: number[], values: (number | null)[], times?: number[], color?: string }} CurveSeries
 */
/**
 * A mean curve over seeds drawn as mean ± half (the 95 % CI half-width), or ± std without `half`.
 * @typedef {{ label: string, steps: number[], mean: (number | null)[], std: (number | null)[], half?: (number | null)[] }} CurveBand
 */
/** @typedef {import('chart.js').ChartDataset<'line', XY[]> & { label: string }} CurveDataset */
/** Bars of one colour, one per label, with ± errs whiskers (0 or absent: none). */
/** @typedef {{ label: string, means: (number | null)[], errs?: number[] }} BarGroup */

/** chart.js turns a registered plugin (here the zoom plugin) off for one chart with
 *  `plugins: {zoom: false}`; its types only allow the options object, hence the cast. */
export const ZOOM_OFF = /** @type {import('chart.js').PluginOptionsByType<'bar'>['zoom']} */ (/** @type {unknown} */ (false));

export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#79706e'];

/**
 * The i-th palette colour (cycling), optionally with an alpha.
 * @param {number} i
 * @param {number} [alpha]
 * @returns {string}
 */
export function color(i, alpha = 1) {
  return withAlpha(paletteColor(i), alpha);
}

/**
 * The i-th palette colour, cycling.
 * @param {number} i a whole number ≥ 0
 * @returns {string}
 */
export function paletteColor(i) {
  const c = PALETTE[i % PALETTE.length];
  if (c === undefined) throw new Error(`palette colours are numbered 0, 1, 2, …, not ${i}`);
  return c;
}

/**
 * '#rrggbb' with an alpha, as rgba().
 * @param {string} hex
 * @param {number} alpha
 * @returns {string}
 */
export function withAlpha(hex, alpha) {
  if (alpha === 1) return hex;
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/**
 * TensorBoard-style debiased exponential moving average; non-finite values pass through.
 * @param {(number | null)[]} values
 * @param {number} weight
 * @returns {(number | null)[]}
 */
export function smooth(values, weight) {
  if (!(weight > 0)) return values.slice();
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    count++;
    return last / (1 - Math.pow(weight, count));
  });
}

/**
 * @param {number[]} steps
 * @param {(number | null)[]} values
 * @returns {XY[]}
 */
function points(steps, values) {
  return steps.map((x, i) => {
    const v = values[i];
    return { x, y: v === null || v === undefined || !Number.isFinite(v) ? null : v };
  });
}

/**
 * @param {boolean} logY
 * @param {string} title
 * @returns {import('chart.js').ChartOptions<'line'>}
 */
const baseOptions = (logY, title) => ({
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  parsing: false,
  normalized: true,
  spanGaps: true,
  interaction: { mode: 'nearest', axis: 'x', intersect: false },
  scales: {
    x: { type: 'linear', title: { display: true, text: 'step' }, ticks: { maxTicksLimit: 8 } },
    y: { type: logY ? 'logarithmic' : 'linear', ticks: { maxTicksLimit: 6 } },
  },
  plugins: {
    title: { display: !!title, text: title, align: 'start', font: { size: 13, weight: 600 } },
    legend: { display: true, position: 'bottom', labels: { boxWidth: 10, font: { size: 11 }, filter: (item) => !item.text.startsWith('_') } },
    tooltip: { filter: (item) => !(item.dataset.label ?? '').startsWith('_') },
    zoom: {
      zoom: { wheel: { enabled: true }, drag: { enabled: true, modifierKey: 'shift' }, pinch: { enabled: true }, mode: 'x' },
      pan: { enabled: true, mode: 'x' },
    },
  },
  elements: { point: { radius: 0 }, line: { borderWidth: 1.5 } },
});

/**
 * A chart card with its controls. `series`: [{label, steps, values}] (one colour each) and
 * optionally `bands`: [{label, steps, mean, std, half?, n}] drawn as mean ± half (the 95 % CI
 * half-width), or ± std when no half is given.
 * @param {string} title
 * @param {{ series?: CurveSeries[], bands?: CurveBand[], onDestroy?: (fn: () => void) => void }} [opts]
 * @returns {{ el: HTMLDivElement, chart: import('chart.js').Chart<'line', XY[]>, update: (series: CurveSeries[], bands?: CurveBand[]) => void }}
 */
export function curveCard(title, { series = [], bands = [], onDestroy } = {}) {
  const canvas = h('canvas');
  const state = { smoothing: 0.6, logY: false, xTime: false, series, bands };
  // x as relative wall-clock time (minutes since each run's first point) instead of step.
  /** @param {CurveSeries} s */
  const xs = (s) => {
    const times = s.times;
    if (!state.xTime || !times) return s.steps;
    const t0 = times[0] ?? 0; // read only when there are points
    return times.map((t) => (t - t0) / 60000);
  };
  const xSel = h('select', { title: 'x axis' }, h('option', { value: 'step' }, 'x: step'), h('option', { value: 'time' }, 'x: time (min)'));
  const slider = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: state.smoothing, title: 'smoothing (EMA weight)' });
  const sliderVal = h('span', { class: 'muted small' }, state.smoothing.toFixed(2));
  const logBox = h('input', { type: 'checkbox' });
  const reset = h('button', { class: 'btn small', type: 'button' }, 'reset zoom');
  /** @type {import('chart.js').Chart<'line', XY[]>} */
  const chart = new window.Chart(canvas, { type: 'line', data: { datasets: [] }, options: baseOptions(false, title) });
  canvas.__chart = chart;
  // The options baseOptions() set, which redraw() changes: chart.js types every option as optional.
  const options = /** @type {{ scales: { x: { title: { text: string } }, y: { type: string } }, plugins: { legend: { display: boolean } } }} */ (chart.options);

  /** @returns {CurveDataset[]} */
  function datasets() {
    /** @type {CurveDataset[]} */
    const out = [];
    state.bands.forEach((b, i) => {
      const mean = smooth(b.mean, state.smoothing);
      const w = b.half ?? b.std;
      const lo = mean.map((m, j) => (m === null ? null : m - (w[j] ?? 0)));
      const hi = mean.map((m, j) => (m === null ? null : m + (w[j] ?? 0)));
      out.push({ label: `_${b.label} hi`, data: points(b.steps, hi), borderColor: 'transparent', pointRadius: 0, fill: false });
      out.push({ label: `_${b.label} lo`, data: points(b.steps, lo), borderColor: 'transparent', backgroundColor: color(i, 0.18), pointRadius: 0, fill: '-1' });
      out.push({ label: b.label, data: points(b.steps, mean), borderColor: color(i), backgroundColor: color(i), fill: false });
    });
    const offset = state.bands.length;
    state.series.forEach((s, i) => {
      // A series may bring its own colour (the compare page keeps one colour per run everywhere).
      const c = s.color ?? color(i + offset);
      if (state.smoothing > 0) {
        out.push({ label: `_${s.label} raw`, data: points(xs(s), s.values), borderColor: withAlpha(c, 0.2), borderWidth: 1, fill: false });
      }
      out.push({ label: s.label, data: points(xs(s), smooth(s.values, state.smoothing)), borderColor: c, backgroundColor: c, fill: false });
    });
    return out;
  }

  function redraw() {
    const sets = datasets();
    chart.data.datasets = sets;
    const allPositive = sets.every((d) => d.data.every((p) => p.y === null || p.y > 0));
    logBox.disabled = !allPositive;
    options.scales.y.type = state.logY && allPositive ? 'logarithmic' : 'linear';
    options.plugins.legend.display = sets.filter((d) => !d.label.startsWith('_')).length > 1;
    xSel.disabled = state.bands.length > 0 || !state.series.every((s) => s.times?.length === s.steps.length);
    if (xSel.disabled) state.xTime = false;
    options.scales.x.title.text = state.xTime ? 'minutes since start' : 'step';
    chart.update('none');
  }

  slider.addEventListener('input', () => {
    state.smoothing = Number(slider.value);
    sliderVal.textContent = state.smoothing.toFixed(2);
    redraw();
  });
  logBox.addEventListener('change', () => {
    state.logY = logBox.checked;
    redraw();
  });
  reset.addEventListener('click', () => chart.resetZoom?.());
  xSel.addEventListener('change', () => {
    state.xTime = xSel.value === 'time';
    chart.resetZoom?.();
    redraw();
  });
  redraw();
  onDestroy?.(() => chart.destroy());

  const el = h(
    'div',
    { class: 'card chart-card' },
    h('div', { class: 'chart-box' }, canvas),
    h('div', { class: 'chart-controls' }, h('label', null, 'smooth ', slider, ' ', sliderVal), h('label', null, logBox, ' log y'), xSel, reset),
  );
  return {
    el,
    chart,
    update(newSeries, newBands = state.bands) {
      state.series = newSeries;
      state.bands = newBands;
      redraw();
    },
  };
}

/**
 * Bars with ± error whiskers (error-bars.js: chart.js has none).
 * @param {string} title
 * @param {string[]} labels
 * @param {BarGroup[]} groups one colour each, one bar per label
 * @param {(fn: () => void) => void} onDestroy
 * @returns {HTMLDivElement}
 */
export function barCard(title, labels, groups, onDestroy) {
  const canvas = h('canvas');
  /** @type {import('chart.js').ChartDataset<'bar', (number | null)[]>[]} `intervals`: error-bars.d.ts */
  const datasets = groups.map((g, i) => ({
    label: g.label,
    data: g.means,
    intervals: g.means.map((m, j) => {
      const err = g.errs?.[j];
      return m === null || err === undefined || !(err > 0) ? null : [m - err, m + err];
    }),
    backgroundColor: color(i, 0.75),
    borderColor: color(i),
    borderWidth: 1,
  }));
  const chart = new window.Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { title: { display: true, text: title, align: 'start', font: { size: 13, weight: 600 } }, legend: { display: groups.length > 1, position: 'bottom' }, zoom: ZOOM_OFF },
      // Leave room for the whiskers above the tallest bar.
      scales: { y: { beginAtZero: true, suggestedMax: Math.max(0, ...groups.flatMap((g) => g.means.map((m, i) => (m ?? 0) + (g.errs?.[i] ?? 0)))) * 1.08 } },
    },
    plugins: [errorBarsPlugin],
  });
  canvas.__chart = chart;
  onDestroy?.(() => chart.destroy());
  return h('div', { class: 'card chart-card' }, h('div', { class: 'chart-box' }, canvas));
}
