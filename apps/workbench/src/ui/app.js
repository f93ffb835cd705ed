// @ts-check
// The single-page shell: hash routes → page modules, live updates over SSE shared by all pages.
// Each page exports `render(main, params, ctx)`; `ctx.onChange(fn)` subscribes to live updates for
// as long as the page is shown, `ctx.alive()` tells an async page whether it is still shown.
import { mount, notice } from './dom.js';
import { errorMessage } from './api.js';
/** @typedef {import('./page-context.js').PageChange} PageChange */
/** @typedef {import('./page-context.js').PageContext} PageContext */

/** @type {Record<string, () => Promise<import('./page-context.js').PageModule>>} */
const pages = {
  runs: () => import('./pages/runs.js'),
  run: () => import('./pages/run.js'),
  compare: () => import('./pages/compare.js'),
  sweeps: () => import('./pages/sweeps.js'),
  sweep: () => import('./pages/sweep.js'),
  hparams: () => import('./pages/hparams.js'),
  explorer: () => import('./pages/explorer.js'),
  realism: () => import('./pages/realism.js'),
};

if (window.Chart && window.ChartZoom) window.Chart.register(window.ChartZoom);

let generation = 0;
/** @type {Array<(ev: PageChange) => Promise<void>>} */
let listeners = [];
/** @type {Array<() => void>} */
let cleanups = [];

/** @returns {{ page: string, params: Record<string, string> }} */
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '') || 'runs';
  // split() returns at least one part: the defaults are for the checker.
  const [pathPart = '', queryPart = ''] = raw.split('?');
  const [page = '', ...rest] = pathPart.split('/');
  const params = Object.fromEntries(new URLSearchParams(queryPart));
  if (rest.length) params.id = decodeURIComponent(rest.join('/'));
  return { page, params };
}

/** One refresh at a time per listener: events arriving meanwhile collapse into one more run
 *  (trainers commit every few seconds; a page must not stack refetches).
 * @param {(ev: PageChange) => unknown} fn
 * @returns {(ev: PageChange) => Promise<void>}
 */
function coalesce(fn) {
  let running = false;
  /** @type {PageChange | null} */
  let again = null;
  /** @param {PageChange} ev */
  const run = async (ev) => {
    if (running) {
      again = again ? { ...ev, runIds: [...new Set([...(again.runIds ?? []), ...(ev.runIds ?? [])])], global: again.global || ev.global, sweeps: again.sweeps || ev.sweeps } : ev;
      return;
    }
    running = true;
    try {
      await fn(ev);
    } catch {
      /* a failed refresh keeps the last view */
    } finally {
      running = false;
      if (again) {
        const next = again;
        again = null;
        run(next);
      }
    }
  };
  return run;
}

async function route() {
  const { page, params } = parseHash();
  const gen = ++generation;
  for (const fn of cleanups) fn();
  cleanups = [];
  listeners = [];
  for (const a of /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#nav a'))) {
    const active = a.dataset.page === page || (page === 'run' && a.dataset.page === 'runs') || (page === 'sweep' && a.dataset.page === 'sweeps') || (page === 'hparams' && a.dataset.page === 'sweeps');
    a.classList.toggle('active', active);
  }
  const main = /** @type {HTMLElement} */ (document.getElementById('main')); // in index.html
  const load = pages[page];
  if (!load) {
    mount(main, notice(`unknown page "${page}"`, 'error'));
    return;
  }
  /** @type {PageContext} */
  const ctx = {
    alive: () => gen === generation,
    onChange: (fn) => listeners.push(coalesce(fn)),
    onLeave: (fn) => cleanups.push(fn),
  };
  try {
    const mod = await load();
    if (!ctx.alive()) return;
    document.body.dataset.page = page;
    await mod.render(main, params, ctx);
    if (ctx.alive()) document.body.dataset.ready = page;
  } catch (err) {
    if (ctx.alive()) mount(main, notice(`could not load this page: ${errorMessage(err)}`, 'error'));
  }
}

/** Live updates: the server pushes `change` events when runs or metrics move. */
function connectLive() {
  const dot = /** @type {HTMLElement} */ (document.getElementById('live')); // in index.html
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => dot.classList.add('on'));
  source.addEventListener('error', () => dot.classList.remove('on'));
  source.addEventListener('change', (ev) => {
    /** @type {PageChange} */
    let data = {};
    try {
      data = JSON.parse(ev.data);
    } catch {
      /* ignore malformed */
    }
    dot.classList.add('pulse');
    setTimeout(() => dot.classList.remove('pulse'), 400);
    for (const fn of listeners) fn(data);
  });
}

window.addEventListener('hashchange', () => {
  delete document.body.dataset.ready;
  route();
});
connectLive();
route();
