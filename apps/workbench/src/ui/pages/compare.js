// Compare 2+ runs: the config keys that differ, overlaid curves, image grids at the same step, and
// mean curves with pointwise 95 % CI bands over seeds for runs that share a config up to the seed.
import { api, url } from '../api.js';
import { h, mount, notice, statusBadge, configValue, runLabels } from '../dom.js';
import { curveCard } from '../charts.js';
import { imageStepper } from './image-stepper.js';

export async function render(main, params, ctx) {
  const ids = (params.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length < 2) {
    await picker(main, ctx);
    return;
  }
  let data;
  try {
    data = await api(url('/api/compare', { ids }));
  } catch (err) {
    mount(main, h('h1', null, 'Compare'), notice(err.message, 'error'));
    return;
  }
  if (!ctx.alive()) return;
  const runs = data.runs;
  const labels = runLabels(runs);
  const label = (r) => labels.get(r.id) ?? r.name ?? r.id;
  const bandsBox = h('input', { type: 'checkbox', id: 'bands-toggle', disabled: !data.groups.some((g) => g.runIds.length > 1) });
  const curvesHost = h('div', { class: 'grid2', id: 'compare-curves' });

  const diffTable = data.diff.length
    ? h('table', { class: 'data diff' },
      h('thead', null, h('tr', null, h('th', null, 'key'), runs.map((r) => h('th', null, h('a', { href: `#/run/${encodeURIComponent(r.id)}` }, label(r)))))),
      h('tbody', null, data.diff.map((d) => h('tr', { dataset: { key: d.key } }, h('td', { class: 'mono' }, d.key), d.values.map((v) => h('td', { class: 'mono differs' }, configValue(v)))))))
    : notice('These runs have identical configs.');

  mount(
    main,
    h('h1', null, `Compare ${runs.length} runs`),
    h('table', { class: 'data', style: { marginBottom: '12px' } },
      h('thead', null, h('tr', null, h('th', null, 'run'), h('th', null, 'status'), h('th', null, 'method'), h('th', null, 'seed'), h('th', null, 'group'))),
      h('tbody', null, runs.map((r) => h('tr', null,
        h('td', null, h('a', { href: `#/run/${encodeURIComponent(r.id)}` }, label(r))),
        h('td', null, statusBadge(r.status, r.exitReason)), h('td', null, r.method), h('td', null, r.seed ?? '—'),
        h('td', { class: 'mono small' }, r.groupKey))))),
    h('h2', null, `Config diff (${data.diff.length} differing keys)`),
    diffTable,
    h('h2', null, 'Curves ', h('label', { class: 'chip' }, bandsBox, ' mean, 95 % CI over seeds')),
    curvesHost,
    h('h2', null, 'Image grids at the same step'),
    h('div', { id: 'compare-images' }),
  );

  const cards = new Map();
  async function loadCurves() {
    const grouped = bandsBox.checked;
    const res = grouped
      ? await api(url('/api/compare/bands', { ids, points: 300 }))
      : await api(url('/api/compare/metrics', { ids, points: 600 }));
    if (!ctx.alive()) return;
    if (!res.keys.length) {
      mount(curvesHost, notice('No metrics logged by these runs.'));
      return;
    }
    for (const key of res.keys) {
      let series = [];
      let bands = [];
      if (grouped) {
        for (const g of res.bands[key] ?? []) {
          if (g.runs > 1) bands.push({ label: `${g.label} (n=${g.runs}, 95 % CI)`, steps: g.steps, mean: g.mean, std: g.std, half: g.half });
          else series.push({ label: g.label, steps: g.steps, values: g.mean });
        }
      } else {
        series = (res.series[key] ?? []).map((s) => ({ label: label(runs.find((r) => r.id === s.runId) ?? { id: s.runId }), steps: s.steps, values: s.values, times: s.times }));
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

  const stepper = imageStepper(runs.map((r) => ({ label: label(r), runId: r.id })), ctx);
  mount(main.querySelector('#compare-images'), stepper.el);
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

/** Without runs in the URL: pick some of the 100 newest (the Runs table selects from all of them). */
async function picker(main, ctx) {
  const data = await api(url('/api/runs', { limit: 100, fields: 'basic' })).catch(() => ({ items: [] }));
  if (!ctx.alive()) return;
  const labels = runLabels(data.items);
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
