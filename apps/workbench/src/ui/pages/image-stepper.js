// @ts-check
// Image grids per step with a slider, for one run or several runs side by side at the same step.
import { api } from '../api.js';
import { h, mount, notice } from '../dom.js';
/** @typedef {import('../api-payloads.js').RunImage} RunImage */
/** @typedef {import('../api-payloads.js').RunImages} RunImages */

/**
 * The slider moves over the union of steps; each run shows its grid at the closest step ≤ the chosen one.
 * @param {Array<{ label: string, runId: string, color?: string }>} runs `color`: the run's swatch (compare page)
 * @param {import('../page-context.js').PageContext} ctx
 * @returns {{ el: HTMLDivElement, load: () => Promise<void> }}
 */
export function imageStepper(runs, ctx) {
  const slider = h('input', { type: 'range', min: 0, max: 0, step: 1, value: 0, class: 'step-slider' });
  const stepLabel = h('span', { class: 'mono' });
  const kindSel = h('select');
  const panels = h('div', { class: runs.length > 1 ? 'compare-images' : 'images', dataset: { testid: 'image-panels' } });
  const el = h('div', { class: 'card' }, h('div', { class: 'slider-row' }, kindSel, h('span', { class: 'muted small' }, 'step'), slider, stepLabel), panels);
  /** @type {Map<string, RunImage[]>} runId -> its images */
  let byRun = new Map();
  /** @type {number[]} */
  let steps = [];
  let followLatest = true;

  function show() {
    const kind = kindSel.value;
    const step = steps[Number(slider.value)];
    stepLabel.textContent = step === undefined ? '—' : String(step);
    mount(panels, runs.map(({ label, runId, color }) => {
      const imgs = (byRun.get(runId) ?? []).filter((i) => i.kind === kind && i.step !== null && step !== undefined && i.step <= step);
      const img = imgs[imgs.length - 1];
      return h('figure', { style: { margin: 0 } },
        runs.length > 1 ? h('figcaption', { class: 'small', style: { marginBottom: '4px' } }, color ? h('span', { class: 'swatch', style: { background: color } }) : null, label, img ? h('span', { class: 'muted' }, ` @ ${img.step}`) : null) : null,
        img ? h('a', { href: img.url, target: '_blank', rel: 'noopener', title: 'open full size' }, h('img', { class: 'grid', src: img.url, alt: `${kind} at step ${img.step}` })) : h('div', { class: 'muted small' }, 'no image at this step'));
    }));
  }

  slider.addEventListener('input', () => {
    followLatest = Number(slider.value) === steps.length - 1;
    show();
  });
  kindSel.addEventListener('change', () => { rebuildSteps(); show(); });

  function rebuildSteps() {
    const kind = kindSel.value;
    /** @type {Set<number>} */
    const set = new Set();
    for (const list of byRun.values()) for (const i of list) if (i.kind === kind && i.step !== null) set.add(i.step);
    const prev = steps[Number(slider.value)];
    steps = [...set].sort((a, b) => a - b);
    slider.max = String(Math.max(0, steps.length - 1));
    const idx = followLatest || prev === undefined ? steps.length - 1 : Math.max(0, steps.findIndex((s) => s >= prev));
    slider.value = String(Math.max(0, idx));
  }

  return {
    el,
    async load() {
      const lists = await Promise.all(runs.map(({ runId }) => api(`/api/runs/${encodeURIComponent(runId)}/images`).then((/** @type {RunImages} */ d) => d.images).catch(() => [])));
      if (!ctx.alive()) return;
      byRun = new Map(runs.map((r, i) => [r.runId, lists[i] ?? []])); // lists[i]: run i's images
      const kinds = [...new Set(lists.flat().map((i) => i.kind))];
      if (!kinds.length) {
        mount(el, notice('No image grids logged yet.'));
        return;
      }
      if (!el.contains(panels)) mount(el, h('div', { class: 'slider-row' }, kindSel, h('span', { class: 'muted small' }, 'step'), slider, stepLabel), panels);
      const current = kindSel.value;
      mount(kindSel, kinds.map((k) => h('option', { value: k }, k)));
      // The evaluation grid (20 samples per input) is what a run is judged by: show it first.
      kindSel.value = kinds.includes(current) ? current : kinds.includes('eval_grid') ? 'eval_grid' : (kinds[0] ?? '');
      rebuildSteps();
      show();
    },
  };
}
