// @ts-check
// Latent explorer: the server runs a run's generator G(A, z) on its backend. Draw N samples for a
// test input, move z with sliders, slerp between two z, or encode an uploaded guide image to z.
// The server draws the samples' z from a seed (the project's one seeded RNG); the seed is kept in
// the URL (#/explorer?run=…&seed=N), so a shared link shows the same samples.
import { api, errorMessage } from '../api.js';
import { h, mount, notice, runLabels } from '../dom.js';
/** @typedef {import('../api-payloads.js').ExplorableRuns} ExplorableRuns */
/** @typedef {import('../api-payloads.js').ExplorerRunInfo} ExplorerRunInfo */
/** @typedef {import('../api-payloads.js').Generated} Generated */
/** @typedef {import('../api-payloads.js').Encoded} Encoded */
/** A drawn (or encoded) sample: its z, its image (data URL) and an optional caption. */
/** @typedef {{ z: number[], src: string, caption?: string }} Sample */

/**
 * Spherical interpolation (the standard for Gaussian latents); falls back to lerp for near-parallel z.
 * @param {number[]} a
 * @param {number[]} b same length as a
 * @param {number} t in [0, 1]
 * @returns {number[]}
 */
export function slerp(a, b, t) {
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  if (a.length !== b.length) throw new Error(`slerp needs two z of one length, not ${a.length} and ${b.length}`);
  const pairs = a.map((v, i) => /** @type {[number, number]} */ ([v, b[i] ?? 0])); // ?? 0: never, the lengths match
  const dot = pairs.reduce((s, [va, vb]) => s + va * vb, 0) / (na * nb || 1);
  const omega = Math.acos(Math.min(1, Math.max(-1, dot)));
  if (omega < 1e-4) return pairs.map(([va, vb]) => va * (1 - t) + vb * t);
  const s = Math.sin(omega);
  return pairs.map(([va, vb]) => (Math.sin((1 - t) * omega) / s) * va + (Math.sin(t * omega) / s) * vb);
}

/**
 * The i-th image of a generate answer (one data URL per z).
 * @param {string[]} images
 * @param {number} i
 * @returns {string}
 */
function imageOf(images, i) {
  const src = images[i];
  if (src === undefined) throw new Error(`the server sent ${images.length} images, none for z #${i}`);
  return src;
}

/** @type {import('../page-context.js').PageModule['render']} */
export async function render(main, params, ctx) {
  const runSel = h('select', { id: 'explorer-run' });
  const left = h('div', { class: 'card' });
  const right = h('div');
  // The run menu sits above the columns at its natural width: run names are long and must show whole.
  const runBar = h('div', { class: 'toolbar' });
  mount(main, h('h1', null, 'Latent explorer'), runBar, h('div', { class: 'explorer' }, left, right));

  /** @type {ExplorableRuns} */
  const { runs } = await api('/api/explorer').catch(() => ({ runs: [] }));
  if (!ctx.alive()) return;
  const [newest] = runs;
  if (!newest) {
    mount(left, notice('No runs with a checkpoint yet: the explorer loads a run\'s newest checkpoint.'));
    return;
  }
  const labels = runLabels(runs);
  mount(runSel, runs.map((r) => h('option', { value: r.id }, `${labels.get(r.id)} · ${r.method} · step ${r.checkpointStep}`)));
  runSel.value = params.run && runs.some((r) => r.id === params.run) ? params.run : newest.id;

  const inputIdx = h('input', { type: 'number', min: 0, value: 0, style: { width: '70px' } });
  const nSamples = h('input', { type: 'number', min: 1, max: 32, value: 8, style: { width: '60px' } });
  const initialSeed = Number(params.seed);
  const seedInput = h('input', { type: 'number', min: 0, value: Number.isSafeInteger(initialSeed) && initialSeed >= 0 ? initialSeed : 0, style: { width: '80px' }, id: 'explorer-seed' });
  const thumbs = h('div', { class: 'samples' });
  const status = h('div', { class: 'muted small' });
  const upload = h('input', { type: 'file', accept: 'image/png,image/jpeg', id: 'explorer-upload' });
  // Only methods with an encoder E can turn a guide image into z (pix2pix+noise has none).
  const guideHost = h('div', { id: 'explorer-guide' });
  const samplesHost = h('div', { class: 'samples', id: 'explorer-samples' });
  const slidersHost = h('div', { class: 'zsliders' });
  const sliderOut = h('div', { class: 'samples' });
  const interpHost = h('div', { class: 'samples', id: 'explorer-interp' });
  const interpBtn = h('button', { class: 'btn', type: 'button', disabled: true }, 'slerp A → B');
  /** @type {ExplorerRunInfo | null} */
  let info = null;
  /** @type {Sample[]} */
  let samples = [];
  /** @type {number | null} index into samples */
  let pickA = null;
  /** @type {number | null} */
  let pickB = null;
  /** @type {number[]} */
  let zCurrent = [];

  mount(runBar, h('label', null, 'run ', runSel));
  runSel.title = 'run · method · checkpoint step';
  mount(left,
    h('label', null, 'test input # ', inputIdx), thumbs,
    h('div', { class: 'toolbar', style: { marginTop: '10px' } }, h('label', null, 'N ', nSamples), h('label', null, 'seed ', seedInput),
      h('button', { class: 'btn primary', type: 'button', onclick: () => draw() }, 'draw samples'),
      h('button', { class: 'btn', type: 'button', title: 'seed + 1, then draw', onclick: () => { seedInput.value = String(seedOf() + 1); draw(); } }, 'next seed')),
    guideHost,
    status);
  mount(right,
    h('div', { class: 'card' }, h('h2', { style: { marginTop: 0 } }, 'Samples ', h('span', { class: 'muted small' }, 'click: set slider z · shift-click: pick A / B for slerp')), samplesHost),
    h('div', { class: 'row', style: { marginTop: '12px' } },
      h('div', { class: 'card', style: { flex: '1 1 340px' } }, h('h2', { style: { marginTop: 0 } }, 'z sliders'), slidersHost),
      h('div', { class: 'card', style: { flex: '0 0 300px' } }, h('h2', { style: { marginTop: 0 } }, 'G(A, z)'), sliderOut)),
    h('div', { class: 'card', style: { marginTop: '12px' } }, h('h2', { style: { marginTop: 0 } }, 'Interpolation ', interpBtn), interpHost));

  const base = () => `/api/explorer/${encodeURIComponent(runSel.value)}`;
  const seedOf = () => {
    const v = Number(seedInput.value);
    return Number.isSafeInteger(v) && v >= 0 ? v : 0;
  };
  /**
   * G(A, z) for the chosen test input, one image (data URL) per z.
   * @param {number[][]} zs
   * @returns {Promise<string[]>}
   */
  async function generate(zs) {
    /** @type {Generated} */
    const res = await api(`${base()}/generate`, { method: 'POST', body: { input: Number(inputIdx.value), z: zs } });
    return res.images;
  }

  async function loadRun() {
    mount(samplesHost);
    mount(interpHost);
    mount(sliderOut);
    mount(guideHost);
    samples = [];
    pickA = pickB = null;
    interpBtn.disabled = true;
    status.textContent = 'loading…';
    /** @type {ExplorerRunInfo} */
    let loaded;
    try {
      loaded = await api(base());
    } catch (err) {
      info = null;
      status.textContent = '';
      mount(samplesHost, notice(errorMessage(err), 'error'));
      return;
    }
    info = loaded;
    if (!ctx.alive()) return;
    if (!loaded.available) {
      status.textContent = '';
      mount(samplesHost, notice(loaded.reason ?? '', 'warn'));
      return;
    }
    inputIdx.max = String((loaded.inputs ?? 0) - 1);
    mount(guideHost, loaded.encoder
      ? [h('div', { class: 'small muted' }, 'guide image → E → z'), upload]
      : h('div', { class: 'small muted' }, 'no guide image: this run has no encoder E (e.g. pix2pix+noise), so an image cannot be mapped to z'));
    status.textContent = `checkpoint step ${loaded.checkpointStep}, nz=${loaded.nz}, ${loaded.cropSize}px, ${loaded.inputs} test inputs, backend ${loaded.backend}`;
    zCurrent = new Array(loaded.nz ?? 0).fill(0);
    buildSliders();
    showThumbs();
    scheduleSlider();
    await draw();
  }

  function showThumbs() {
    const i = Number(inputIdx.value);
    mount(thumbs,
      h('figure', null, h('img', { src: `${base()}/inputs/${i}?side=A`, alt: 'input A' }), h('figcaption', null, 'input A')),
      h('figure', null, h('img', { src: `${base()}/inputs/${i}?side=B`, alt: 'ground truth B' }), h('figcaption', null, 'ground truth B')));
  }

  function buildSliders() {
    mount(slidersHost, zCurrent.map((v, d) => {
      const show = (/** @type {number} */ x) => (Math.abs(x) < 0.005 ? 0 : x).toFixed(2);
      const val = h('span', { class: 'mono' }, show(v));
      const s = h('input', { type: 'range', min: -3, max: 3, step: 0.05, value: v });
      s.addEventListener('input', () => {
        zCurrent[d] = Number(s.value);
        val.textContent = show(zCurrent[d]);
        scheduleSlider();
      });
      return h('label', null, `z${d}`, s, val);
    }));
  }
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let sliderTimer;
  function scheduleSlider() {
    clearTimeout(sliderTimer);
    sliderTimer = setTimeout(async () => {
      const [src] = await generate([zCurrent.slice()]);
      if (ctx.alive()) mount(sliderOut, h('img', { src, alt: 'G(A, z)' }));
    }, 120);
  }

  function renderSamples() {
    mount(samplesHost, samples.map((s, i) => {
      const img = h('img', { src: s.src, alt: `sample ${i}`, class: i === pickA || i === pickB ? 'sel' : '' });
      img.addEventListener('click', (ev) => {
        if (ev.shiftKey) {
          if (pickA === null || pickB !== null) { pickA = i; pickB = null; } else pickB = i;
          interpBtn.disabled = pickA === null || pickB === null;
          renderSamples();
        } else {
          zCurrent = s.z.slice();
          buildSliders();
          scheduleSlider();
        }
      });
      return h('figure', null, img, h('figcaption', null, s.caption ?? (i === pickA ? 'A' : i === pickB ? 'B' : `#${i}`)));
    }));
  }

  async function draw() {
    if (!info?.available) return;
    const n = Math.max(1, Math.min(32, Number(nSamples.value) || 8));
    const seed = seedOf();
    history.replaceState(null, '', `#/explorer?run=${encodeURIComponent(runSel.value)}&seed=${seed}`);
    status.textContent = 'generating…';
    try {
      /** @type {Generated} */
      const res = await api(`${base()}/generate`, { method: 'POST', body: { input: Number(inputIdx.value), seed, n } });
      if (!ctx.alive()) return;
      samples = res.z.map((z, i) => ({ z, src: imageOf(res.images, i) }));
      pickA = samples.length > 1 ? 0 : null;
      pickB = samples.length > 1 ? 1 : null;
      interpBtn.disabled = pickA === null || pickB === null;
      renderSamples();
      showThumbs();
      status.textContent = `checkpoint step ${info.checkpointStep}, nz=${info.nz}, backend ${info.backend}`;
    } catch (err) {
      status.textContent = errorMessage(err);
    }
  }

  interpBtn.addEventListener('click', async () => {
    // The button is enabled only with both picked.
    const a = pickA === null ? undefined : samples[pickA]?.z;
    const b = pickB === null ? undefined : samples[pickB]?.z;
    if (!a || !b) return;
    const zs = Array.from({ length: 8 }, (_, k) => slerp(a, b, k / 7));
    const images = await generate(zs);
    if (ctx.alive()) mount(interpHost, images.map((src, k) => h('figure', null, h('img', { src, alt: `t=${(k / 7).toFixed(2)}` }), h('figcaption', null, `t=${(k / 7).toFixed(2)}`))));
  });

  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (!file || !info?.available) return;
    status.textContent = 'encoding…';
    try {
      /** @type {Encoded} */
      const res = await api(`${base()}/encode`, { method: 'POST', body: file, headers: { 'content-type': file.type || 'application/octet-stream' } });
      const src = imageOf(await generate([res.z]), 0);
      if (!ctx.alive()) return;
      samples.unshift({ z: res.z, src, caption: 'guide' });
      if (pickA !== null) pickA++;
      if (pickB !== null) pickB++;
      zCurrent = res.z.slice();
      buildSliders();
      renderSamples();
      mount(sliderOut, h('img', { src, alt: 'G(A, E(guide))' }));
      status.textContent = 'guide encoded: its z is on the sliders';
    } catch (err) {
      status.textContent = errorMessage(err);
    }
    upload.value = '';
  });

  runSel.addEventListener('change', () => loadRun());
  inputIdx.addEventListener('change', () => { showThumbs(); draw(); });
  await loadRun();
}
