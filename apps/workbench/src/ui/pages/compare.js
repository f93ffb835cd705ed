// @ts-check
// Compare 2+ runs: the config keys that differ, overlaid curves, image grids at the same step, and
// mean curves with pointwise 95 % CI bands over seeds for runs that share a config up to the seed.
import { api, url, errorMessage } from '../api.js';
import { h, mount, notice, statusBadge, configValue, runLabels, fmt } from '../dom.js';
import { color, curveCard } from '../charts.js';
import { imageStepper } from './image-stepper.js';
/** @typedef {import('../api-payloads.js').ComparePayload} ComparePayload */
/** @typedef {import('../api-payloads.js').CompareBands} CompareBands */
/** @typedef {import('../api-payloads.js').CompareMetrics} CompareMetrics */
/** @typedef {import('../api-payloads.js').RunSummary} RunSummary */
/** @typedef {import('../charts.js').CurveSeries} CurveSeries */
/** @typedef {import('../charts.js').CurveBand} CurveBand */

/** @type {import('../page-context.js').PageModule['render']} */
export async function render(main, params, ctx) {
  const ids = (params.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length < 2) {
    await picker(main, ctx);
    return;
  }
  /** @type {ComparePayload} */
  let data;
  try {
    data = await api(url('/api/compare', { ids }));
  } catch (err) {
    mount(main, h('h1', null, 'Compare'), notice(errorMessage(err), 'error'));
    return;
  }
  if (!ctx.alive()) return;
  const runs = data.runs;
  const labels = runLabels(runs);
  const label = (/** @type {{ id: string, name?: string }} */ r) => labels.get(r.id) ?? r.name ?? r.id;
  // One colour per run, the same in every chart, table header and image caption of the page.
  const runColor = new Map(runs.map((r, i) => [r.id, color(i)]));
  const swatch = (/** @type {string} */ id) => h('span', { class: 'swatch', style: { background: runColor.get(id) }, dataset: { color: runColor.get(id) ?? '' } });
  const runHead = (/** @type {RunSummary} */ r) => h('th', { dataset: { runId: r.id } }, swatch(r.id), h('a', { href: `#/run/${encodeURIComponent(r.id)}` }, label(r)));
  const bandsBox = h('input', { type: 'checkbox', id: 'bands-toggle', disabled: !data.groups.some((g) => g.runIds.length > 1) });
  const curvesHost = h('div', { class: 'grid2', id: 'compare-curves' });
  const imagesHost = h('div', { id: 'compare-images' });

  const diffTable = data.diff.length
    ? h('table', { class: 'data diff' },
      h('thead', null, h('tr', null, h('th', null, 'key'), runs.map(runHead))),
      h('tbody', null, data.diff.map((d) => h('tr', { dataset: { key: d.key } }, h('td', { class: 'mono' }, d.key), d.values.map((v) => h('td', { class: 'mono differs' }, configValue(v)))))))
    : notice('These runs have identical configs.');

  mount(
    main,
    h('h1', null, `Compare ${runs.length} runs`),
    h('table', { class: 'data', style: { marginBottom: '12px' } },
      h('thead', null, h('tr', null, h('th', null, 'run'), h('th', null, 'status'), h('th', null, 'method'), h('th', null, 'seed'), h('th', null, 'group'))),
      h('tbody', null, runs.map((r) => h('tr', null,
        h('td', null, swatch(r.id), h('a', { href: `#/run/${encodeURIComponent(r.id)}` }, label(r))),
        h('td', null, statusBadge(r.status, r.exitReason)), h('td', null, r.method), h('td', null, r.seed ?? '—'),
        h('td', { class: 'mono small' }, r.groupKey))))),
    h('h2', null, `Config diff (${data.diff.length} differing keys)`),
    diffTable,
    h('h2', null, 'Evaluation results'),
    evalTable(data, runs, runHead),
    h('h2', null, 'Curves ', h('label', { class: 'chip' }, bandsBox, ' mean, 95 % CI over seeds')),
    curvesHost,
    h('h2', null, 'Image grids at the same step'),
    imagesHost,
  );

  /** @type {Map<string, ReturnType<typeof curveCard>>} metric key -> its card */
  const cards = new Map();
  async function loadCurves() {
    const grouped = bandsBox.checked;
    /** @type {{ grouped: true, res: CompareBands } | { grouped: false, res: CompareMetrics }} */
    const answer = grouped
      ? { grouped, res: await api(url('/api/compare/bands', { ids, points: 300 })) }
      : { grouped, res: await api(url('/api/compare/metrics', { ids, points: 600 })) };
    if (!ctx.alive()) return;
    if (!answer.res.keys.length) {
      mount(curvesHost, notice('No metrics logged by these runs.'));
      return;
    }
    for (const key of answer.res.keys) {
      /** @type {CurveSeries[]} */
      let series = [];
      /** @type {CurveBand[]} */
      let bands = [];
      if (answer.grouped) {
        for (const g of answer.res.bands[key] ?? []) {
          if (g.runs > 1) bands.push({ label: `${g.label} (n=${g.runs}, 95 % CI)`, steps: g.steps, mean: g.mean, std: g.std, half: g.half });
          else {
            // A group of one run keeps that run's colour.
            const runId = data.groups.find((x) => x.groupKey === g.groupKey)?.runIds[0];
            series.push({ label: g.label, steps: g.steps, values: g.mean, color: runId === undefined ? undefined : runColor.get(runId) });
          }
        }
      } else {
        series = (answer.res.series[key] ?? []).map((s) => ({ label: label(runs.find((r) => r.id === s.runId) ?? { id: s.runId }), steps: s.steps, values: s.values, times: s.times, color: runColor.get(s.runId) }));
      }
      const card = cards.get(key);
      if (card) card.update(series, bands);
      else {
        const c = curveCard(key, { series, bands, onDestroy: ctx.onLeave });
        cards.set(key, c);
        curvesHost.appendChild(c.el);
      }
    }
  }
  bandsBox.addEventListener('change', () => loadCurves());

  const stepper = imageStepper(runs.map((r) => ({ label: label(r), runId: r.id, color: runColor.get(r.id) })), ctx);
  mount(imagesHost, stepper.el);
  await Promise.all([loadCurves().catch((e) => mount(curvesHost, notice(e.message, 'error'))), stepper.load()]);

  ctx.onChange(async (ev) => {
    if (!ev.global && !ev.runIds?.some((id) => ids.includes(id))) return;
    try {
      await loadCurves();
      await stepper.load();
    } catch {
      /* keep the last view */
    }
  });
}

/** The eval results side by side: one row per metric (named as in the paper tables), one column
 *  per run, value ± standard error; the best value of a row is bold. */
/**
 * @param {ComparePayload} data
 * @param {RunSummary[]} runs
 * @param {(r: RunSummary) => HTMLElement} runHead the column header of a run
 */
function evalTable(data, runs, runHead) {
  if (!data.evals.length) return notice('None of these runs is evaluated yet: `npx workbench eval <run-id>`.');
  return h('div', { style: { overflowX: 'auto' } }, h('table', { class: 'data compare-evals' },
    h('thead', null, h('tr', null, h('th', null, 'metric'), runs.map(runHead))),
    h('tbody', null, data.evals.map((m) => {
      const values = runs.map((r) => r.evals[m.key]?.value ?? null);
      const finite = values.filter((v) => v !== null);
      const best = m.better && finite.length > 1 ? (m.better === 'higher' ? Math.max(...finite) : Math.min(...finite)) : null;
      return h('tr', { dataset: { metric: m.key } },
        h('td', { title: m.key }, m.label, m.better ? h('span', { class: 'muted' }, m.better === 'higher' ? ' ↑' : ' ↓') : null),
        runs.map((r, i) => {
          const e = r.evals[m.key];
          return h('td', { class: 'num' + (best !== null && values[i] === best ? ' best' : '') }, e ? fmt(e.value) : '—', e?.stderr ? h('span', { class: 'sub' }, `± ${fmt(e.stderr, 2)}`) : null);
        }));
    }))));
}

/** Without runs in the URL: pick some of the 100 newest (the Runs table selects from all of them). */
/**
 * @param {HTMLElement} main
 * @param {import('../page-context.js').PageContext} ctx
 */
async function picker(main, ctx) {
  /** @type {Pick<import('../api-payloads.js').RunsBasicPage, 'items'>} */
  const data = await api(url('/api/runs', { limit: 100, fields: 'basic' })).catch(() => ({ items: [] }));
  if (!ctx.alive()) return;
  const labels = runLabels(data.items);
  /** @type {Set<string>} */
  const chosen = new Set();
  const go = h('button', { class: 'btn primary', type: 'button', disabled: true, onclick: () => { location.hash = `#/compare?ids=${[...chosen].map(encodeURIComponent).join(',')}`; } }, 'Compare');
  mount(main, h('h1', null, 'Compare'),
    notice('Pick two or more runs (or select them in the Runs table, where filters and groups help).'),
    h('div', { class: 'toolbar' }, go),
    data.items.length ? h('table', { class: 'data compare-picker' },
      h('thead', null, h('tr', null, h('th', null, ''), h('th', null, 'run'), h('th', null, 'status'), h('th', null, 'method'), h('th', null, 'seed'))),
      h('tbody', null, data.items.map((r) => {
        const box = h('input', { type: 'checkbox' });
        box.addEventListener('change', () => {
          if (box.checked) chosen.add(r.id);
          else chosen.delete(r.id);
          go.disabled = chosen.size < 2;
          go.textContent = `Compare (${chosen.size})`;
        });
        return h('tr', null, h('td', null, box), h('td', null, labels.get(r.id)), h('td', null, statusBadge(r.status)), h('td', null, r.method), h('td', null, r.seed ?? '—'));
      }))) : notice('No runs yet.'));
}
