// @ts-check
// One run: header with status and reason, the command that reproduces it, loss curves, image grids
// with a step slider, eval metrics, checkpoints and the resolved config.
import { api, url, errorMessage } from '../api.js';
import { h, mount, fmt, fmtDuration, fmtTime, statusBadge, notice, flatten, configValue } from '../dom.js';
import { curveCard } from '../charts.js';
import { imageStepper } from './image-stepper.js';
/** @typedef {import('../api-payloads.js').RunDetail} RunDetail */
/** @typedef {import('../api-payloads.js').RunRow} RunRow */
/** @typedef {import('../dom.js').Child} Child */

/** @type {import('../page-context.js').PageModule['render']} */
export async function render(main, params, ctx) {
  const idParam = params.id;
  if (!idParam) {
    mount(main, notice('No run id in the address: open a run from the Runs table (#/run/<id>).', 'error'));
    return;
  }
  const id = idParam; // a string in the functions below as well
  /** @type {RunDetail} */
  let detail;
  try {
    detail = await api(`/api/runs/${encodeURIComponent(id)}`);
  } catch (err) {
    mount(main, notice(errorMessage(err), 'error'));
    return;
  }
  if (!ctx.alive()) return;
  const r = detail.run;
  const headerStatus = h('span');
  const infoHost = h('div');
  const curvesHost = h('div', { class: 'grid2', id: 'curves' });
  const imagesHost = h('div', { id: 'images' });
  const evalHost = h('div');
  const ckptHost = h('div');
  const summaryHost = h('div');
  const logHost = h('pre', { class: 'log', id: 'run-log' }, '');
  const titleEl = h('span', { class: 'run-title' }, r.name || r.id);
  const editHost = h('div', { class: 'card edit-card', hidden: true });
  const lifecycleHost = h('span', { class: 'toolbar', style: { margin: 0 } });
  // Archive hides the run from the runs table (everything kept); delete removes it from the database.
  const renderLifecycle = (/** @type {RunRow} */ run) => {
    const act = async (/** @type {string} */ path, /** @type {Record<string, unknown>} */ body) => {
      await api(path, { method: 'POST', body });
      /** @type {RunDetail} */
      const d = await api(`/api/runs/${encodeURIComponent(id)}`);
      if (ctx.alive()) renderHeader(d);
    };
    mount(lifecycleHost,
      run.archivedAt
        ? [h('span', { class: 'tag archived' }, 'archived'), h('button', { class: 'btn small', type: 'button', id: 'run-restore', onclick: () => act('/api/runs/restore', { ids: [id] }) }, 'restore')]
        : h('button', { class: 'btn small', type: 'button', id: 'run-archive', onclick: () => act('/api/runs/archive', { ids: [id] }) }, 'archive'),
      h('button', { class: 'btn small danger', type: 'button', id: 'run-delete', onclick: async () => {
        if (!confirm(`Delete run ${run.name || id} with its metrics, images and eval results from the database? Its folder stays on disk.`)) return;
        await api(`/api/runs/${encodeURIComponent(id)}`, { method: 'DELETE' });
        location.hash = '#/runs';
      } }, 'delete…'));
  };

  const renderHeader = (/** @type {RunDetail} */ d) => {
    titleEl.textContent = d.run.name || d.run.id;
    mount(headerStatus, statusBadge(d.run.status, d.run.exitReason));
    mount(infoHost, info(d));
    mount(evalHost, evalTable(d));
    mount(summaryHost, summaryTable(d));
    mount(ckptHost, checkpointTable(d));
    renderLifecycle(d.run);
  };

  const configRows = Object.entries(flatten(r.config));
  const cfgFilter = h('input', { type: 'search', placeholder: 'filter keys…' });
  const cfgBody = h('tbody');
  const renderConfig = () => {
    const f = cfgFilter.value.trim().toLowerCase();
    mount(cfgBody, configRows.filter(([k, v]) => !f || k.toLowerCase().includes(f) || configValue(v).toLowerCase().includes(f)).map(([k, v]) => h('tr', null, h('td', null, k), h('td', null, configValue(v)))));
  };
  cfgFilter.addEventListener('input', renderConfig);
  renderConfig();

  const copyBtn = h('button', { class: 'btn small', type: 'button' }, 'copy');
  copyBtn.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(r.command ?? '');
      copyBtn.textContent = 'copied';
    } catch {
      copyBtn.textContent = 'select and copy';
    }
  });

  mount(
    main,
    h('h1', null, titleEl, headerStatus, h('span', { class: 'muted small mono' }, r.id)),
    h('div', { class: 'toolbar' },
      h('button', { class: 'btn small', type: 'button', id: 'edit-run', onclick: () => openEditor() }, 'edit name, tags, notes'),
      h('a', { class: 'btn small', href: `#/runs?groupKey=${encodeURIComponent(r.groupKey)}` }, 'other seeds of this config'),
      h('a', { class: 'btn small', href: `#/explorer?run=${encodeURIComponent(r.id)}` }, 'latent explorer'),
      h('a', { class: 'btn small', href: `#/realism?run=${encodeURIComponent(r.id)}` }, 'realism study'),
      r.sweepId ? h('a', { class: 'btn small', href: `#/sweep/${encodeURIComponent(r.sweepId)}` }, `sweep ${r.sweepId}`) : null,
      lifecycleHost,
    ),
    h('div', { class: 'row' }, h('div', { class: 'card', style: { flex: '1 1 520px' } }, infoHost),
      h('div', { class: 'card', style: { flex: '1 1 420px' } }, h('h2', { style: { marginTop: 0 } }, 'Reproduce ', copyBtn), h('pre', { class: 'command' }, r.command ?? 'no command recorded'))),
    editHost,
    h('h2', null, 'Curves'),
    curvesHost,
    h('h2', null, 'Image grids'),
    imagesHost,
    h('div', { class: 'row' },
      h('div', { style: { flex: '1 1 420px' } }, h('h2', null, 'Metrics summary'), summaryHost),
      h('div', { style: { flex: '1 1 420px' } }, h('h2', null, 'Evaluation'), evalHost),
      h('div', { style: { flex: '1 1 420px' } }, h('h2', null, 'Checkpoints'), ckptHost)),
    h('h2', null, 'Resolved config ', cfgFilter),
    h('div', { class: 'card config-tree' }, h('table', { class: 'data' }, cfgBody)),
    h('h2', null, 'train.log ', h('span', { class: 'muted small' }, '(last 200 lines)')),
    logHost,
  );

  let current = detail;
  function openEditor() {
    const run = current.run;
    const name = h('input', { type: 'text', value: run.name, size: 40, id: 'edit-name' });
    const tags = h('input', { type: 'text', value: run.tags.join(', '), size: 40, id: 'edit-tags', placeholder: 'comma-separated' });
    const notes = h('textarea', { rows: 3, cols: 60, id: 'edit-notes' });
    notes.value = run.notes ?? '';
    const msg = h('span', { class: 'muted small' });
    const save = async () => {
      try {
        /** @type {import('../api-payloads.js').RunPatched} */
        const res = await api(`/api/runs/${encodeURIComponent(id)}`, {
          method: 'PATCH',
          body: { name: name.value, tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean), notes: notes.value.trim() || null },
        });
        current = { ...current, run: res.run };
        renderHeader(current);
        editHost.hidden = true;
      } catch (err) {
        msg.textContent = errorMessage(err);
      }
    };
    mount(editHost,
      h('div', { class: 'edit-grid' }, h('label', null, 'name'), name, h('label', null, 'tags'), tags, h('label', null, 'notes'), notes),
      h('div', { class: 'toolbar', style: { marginTop: '8px' } },
        h('button', { class: 'btn primary', type: 'button', id: 'edit-save', onclick: save }, 'save'),
        h('button', { class: 'btn', type: 'button', onclick: () => { editHost.hidden = true; } }, 'cancel'), msg));
    editHost.hidden = false;
  }

  async function loadLog() {
    /** @type {import('../api-payloads.js').RunLog} */
    const d = await api(url(`/api/runs/${encodeURIComponent(id)}/log`, { tail: 200 }));
    if (!ctx.alive()) return;
    logHost.textContent = d.exists ? d.lines.join('\n') || '(empty)' : 'no train.log in the run folder';
    logHost.scrollTop = logHost.scrollHeight;
  }
  renderHeader(detail);

  // Curves: one card per metric key; updated in place on live changes.
  /** @type {Map<string, ReturnType<typeof curveCard>>} metric key -> its card */
  const cards = new Map();
  async function loadCurves() {
    /** @type {import('../api-payloads.js').RunMetrics} */
    const data = await api(url(`/api/runs/${encodeURIComponent(id)}/metrics`, { points: 1000 }));
    if (!ctx.alive()) return;
    if (!data.series.length && !cards.size) mount(curvesHost, notice('No metrics logged yet.'));
    for (const s of data.series) {
      const series = [{ label: s.key, steps: s.steps, values: s.values, times: s.times }];
      const card = cards.get(s.key);
      if (card) card.update(series);
      else {
        if (!cards.size) mount(curvesHost);
        const c = curveCard(s.key, { series, onDestroy: ctx.onLeave });
        cards.set(s.key, c);
        curvesHost.appendChild(c.el);
      }
    }
  }
  const stepper = imageStepper([{ label: r.name || r.id, runId: r.id }], ctx);
  mount(imagesHost, stepper.el);
  await Promise.all([loadCurves().catch((e) => mount(curvesHost, notice(e.message, 'error'))), stepper.load(), loadLog().catch(() => {})]);

  ctx.onChange(async (ev) => {
    if (!ev.global && !ev.runIds?.includes(id)) return;
    try {
      /** @type {RunDetail} */
      const d = await api(`/api/runs/${encodeURIComponent(id)}`);
      if (!ctx.alive()) return;
      current = d;
      renderHeader(d);
      await loadCurves();
      await stepper.load();
      await loadLog();
    } catch {
      /* keep the last view; the live dot shows the connection state */
    }
  });
}

/**
 * The run's facts as a definition list.
 * @param {RunDetail} d
 */
function info(d) {
  const r = d.run;
  const fr = d.foolingRate;
  const kv = (/** @type {string} */ k, /** @type {Child} */ v) => [h('dt', null, k), h('dd', null, v)];
  return h('dl', { class: 'kv' },
    kv('status', [statusBadge(r.status, r.exitReason), r.exitReason ? h('span', { class: 'reason' }, r.exitReason) : null]),
    kv('method', r.method),
    kv('seed', r.seed === null ? '—' : String(r.seed)),
    kv('started', fmtTime(r.startedAt)),
    kv('ended', r.endedAt ? fmtTime(r.endedAt) : r.status === 'running' ? `running (heartbeat ${fmtDuration(Date.now() - r.heartbeatAt)} ago)` : '—'),
    kv('duration', fmtDuration(r.durationMs)),
    kv('last step', d.lastStep === null ? '—' : String(d.lastStep)),
    kv('tags', r.tags.length ? r.tags.map((t) => h('span', { class: 'tag' }, t)) : '—'),
    kv('host / backend', `${r.host ?? '—'} / ${r.backend ?? '—'}`),
    kv('git', r.gitCommit ? `${r.gitCommit.slice(0, 12)}${r.gitDirty ? ' (dirty)' : ''}` : '—'),
    kv('group', h('span', { class: 'mono' }, r.groupKey)),
    kv('run folder', h('span', { class: 'mono' }, r.runDir ?? '—')),
    r.resumes ? kv('resumed', `${r.resumes}×`) : null,
    // rate is null only without answers (n = 0).
    fr && fr.n && fr.rate !== null ? kv('fooling rate', `${fmt(fr.rate * 100, 3)}% [${fmt(fr.low * 100, 3)}, ${fmt(fr.high * 100, 3)}] (n=${fr.n})`) : null,
    r.notes ? kv('notes', r.notes) : null,
  );
}

/** @param {RunDetail} d */
function summaryTable(d) {
  const cells = Object.entries(d.metrics).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (!cells.length) return notice('No metrics logged yet.');
  return h('table', { class: 'data metric-summary' },
    h('thead', null, h('tr', null, h('th', null, 'metric'), h('th', { class: 'num' }, 'last'), h('th', { class: 'num' }, 'at step'), h('th', { class: 'num' }, 'min'), h('th', { class: 'num' }, 'max'))),
    h('tbody', null, cells.map(([k, m]) => {
      return h('tr', null, h('td', null, k), h('td', { class: 'num' + (m.last === null ? ' bad' : '') }, m.last === null ? 'NaN/∞' : fmt(m.last)), h('td', { class: 'num' }, String(m.step)), h('td', { class: 'num' }, fmt(m.min)), h('td', { class: 'num' }, fmt(m.max)));
    })));
}

/** @param {RunDetail} d */
function evalTable(d) {
  if (!d.evals.length) return notice('Not evaluated yet: `npx workbench eval <run-id>`.');
  return h('table', { class: 'data evals' },
    h('thead', null, h('tr', null, h('th', null, 'metric'), h('th', { class: 'num' }, 'value'), h('th', { class: 'num' }, '± s.e.'), h('th', { class: 'num' }, 'n'), h('th', { class: 'num' }, 'step'))),
    h('tbody', null, d.evals.map((e) => h('tr', null, h('td', null, e.metric), h('td', { class: 'num' }, fmt(e.value)), h('td', { class: 'num' }, fmt(e.stderr)), h('td', { class: 'num' }, e.n ?? '—'), h('td', { class: 'num' }, e.step ?? '—')))));
}

/** @param {RunDetail} d */
function checkpointTable(d) {
  if (!d.checkpoints.length) return notice('No checkpoints.');
  return h('table', { class: 'data checkpoints' },
    h('thead', null, h('tr', null, h('th', null, 'step'), h('th', null, 'files'), h('th', { class: 'num' }, 'size'))),
    h('tbody', null, d.checkpoints.map((c) => h('tr', null,
      h('td', null, String(c.step)),
      h('td', { class: 'wrap' }, c.files.map((f) => h('a', { class: 'tag', href: f.url, download: f.name }, f.name))),
      h('td', { class: 'num' }, `${(c.bytes / 1e6).toFixed(2)} MB`)))));
}
