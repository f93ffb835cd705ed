// @ts-check
// Runs table: filter (status, method, config key=value, free text), sort, paginate, select for
// compare or for bulk tag / archive / delete, and group rows by config ignoring the seed or by any
// keys (mean [95% CI] (n)). Archived runs are listed on request. State lives in the URL hash.
import { api, url, errorMessage } from '../api.js';
import { h, mount, fmt, fmtCi, fmtDuration, fmtTime, statusBadge, notice, configValue } from '../dom.js';
/** @typedef {import('../api-payloads.js').Columns} Columns */
/** @typedef {import('../api-payloads.js').MetricCell} MetricCell */
/** @typedef {import('../api-payloads.js').RunsPage} RunsPage */
/** @typedef {import('../api-payloads.js').RunGroupsPage} RunGroupsPage */
/** @typedef {import('../api-payloads.js').RunsChanged} RunsChanged */
/** @typedef {import('../api-payloads.js').RunsDeleted} RunsDeleted */
/** The column kinds a user can choose. */
/** @typedef {'config' | 'metrics' | 'evals'} ColumnKind */
/** The user's column choice, per kind a list of keys or absent (the server's default). */
/** @typedef {Partial<Record<ColumnKind, string[]>>} SavedColumns */

const PAGE = 50;
const selected = new Set(); // survives page changes within the session
const COLUMNS_KEY = 'workbench.runs.columns';

/**
 * The user's column choice, as stored in localStorage.
 * @returns {SavedColumns}
 */
function savedColumns() {
  try {
    return JSON.parse(localStorage.getItem(COLUMNS_KEY) ?? 'null') ?? {};
  } catch {
    return {};
  }
}

/** @type {import('../page-context.js').PageModule['render']} */
export async function render(main, params, ctx) {
  const state = {
    q: params.q ?? '',
    status: params.status ? params.status.split(',') : [],
    method: params.method ?? '',
    cfg: params.cfg ? params.cfg.split(';').filter(Boolean) : [],
    sort: params.sort ?? 'createdAt',
    order: params.order ?? 'desc',
    offset: Number(params.offset ?? 0),
    group: params.group === '1',
    sweep: params.sweep ?? '',
    groupKey: params.groupKey ?? '',
    by: params.by ?? '',
    archived: params.archived ?? '',
  };

  const pushState = () => {
    const p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    if (state.status.length) p.set('status', state.status.join(','));
    if (state.method) p.set('method', state.method);
    if (state.cfg.length) p.set('cfg', state.cfg.join(';'));
    if (state.sort !== 'createdAt') p.set('sort', state.sort);
    if (state.order !== 'desc') p.set('order', state.order);
    if (state.offset) p.set('offset', String(state.offset));
    if (state.group) p.set('group', '1');
    if (state.sweep) p.set('sweep', state.sweep);
    if (state.groupKey) p.set('groupKey', state.groupKey);
    if (state.by) p.set('by', state.by);
    if (state.archived) p.set('archived', state.archived);
    history.replaceState(null, '', `#/runs${p.toString() ? '?' + p : ''}`);
  };

  const query = () => ({
    q: state.q,
    status: state.status,
    method: state.method,
    config: state.cfg.join(';'),
    sweep: state.sweep,
    groupKey: state.groupKey,
    sort: state.sort,
    order: state.order,
    offset: state.offset,
    limit: PAGE,
    cols: savedColumns().config,
    by: state.group ? state.by : '',
    archived: state.archived,
  });

  const tableHost = h('div', { id: 'runs-table' });
  const countEl = h('span', { class: 'muted' });
  const compareBtn = h('button', { class: 'btn primary', type: 'button', onclick: () => goCompare() }, 'Compare');
  const methodSel = h('select', { onchange: () => { state.method = methodSel.value; state.offset = 0; refresh(); } }, h('option', { value: '' }, 'all methods'));
  const search = h('input', { type: 'search', placeholder: 'search name, id, tags, config…', value: state.q });
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let searchTimer;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { state.q = search.value.trim(); state.offset = 0; refresh(); }, 250);
  });
  const cfgInput = h('input', { type: 'text', placeholder: 'config filter: model.nz=8', list: 'config-keys', size: 22 });
  const cfgList = h('datalist', { id: 'config-keys' });
  const cfgChips = h('span', { class: 'row' });
  const addCfg = () => {
    const v = cfgInput.value.trim();
    if (!/^[^=]+=.*/.test(v)) return;
    state.cfg.push(v);
    cfgInput.value = '';
    state.offset = 0;
    refresh();
  };
  cfgInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') addCfg(); });
  // The status chips come from the server's list (facets.statuses), filled in on the first answer.
  const statusChips = h('span', { class: 'status-chips' });
  const statusChip = (/** @type {string} */ s) => {
    const chip = h('span', { class: 'chip' + (state.status.includes(s) ? ' on' : ''), dataset: { status: s } }, s);
    chip.addEventListener('click', () => {
      state.status = state.status.includes(s) ? state.status.filter((x) => x !== s) : [...state.status, s];
      chip.classList.toggle('on');
      state.offset = 0;
      refresh();
    });
    return chip;
  };
  const csvLink = h('a', { class: 'btn', id: 'export-csv', title: 'the matching runs (up to 1000) with every config key, metric and eval result' }, 'Export CSV');
  const colsPanel = h('div', { class: 'card col-panel', hidden: true });
  const colsBtn = h('button', { class: 'btn', type: 'button', onclick: () => { colsPanel.hidden = !colsPanel.hidden; } }, 'Columns ▾');
  const groupBox = h('input', { type: 'checkbox', checked: state.group, id: 'group-toggle' });
  groupBox.addEventListener('change', () => {
    state.group = groupBox.checked;
    byInput.hidden = !state.group;
    state.offset = 0;
    // Each mode has its own sort keys; fall back to newest first when the current one has no meaning there.
    const okInGroups = state.sort === 'createdAt' || state.sort === 'n' || state.sort.startsWith('metric:') || state.sort.startsWith('eval:');
    const okInRuns = !state.sort.startsWith('eval:') && state.sort !== 'n';
    if (state.group ? !okInGroups : !okInRuns) { state.sort = 'createdAt'; state.order = 'desc'; }
    refresh();
  });

  // Group by chosen keys (e.g. method,model.nz), averaging over every other key; empty = by
  // config ignoring the seed.
  const byInput = h('input', { type: 'text', id: 'group-by', list: 'group-keys', placeholder: 'by keys: method,model.nz', size: 24, value: state.by, hidden: !state.group });
  const byList = h('datalist', { id: 'group-keys' });
  byInput.addEventListener('change', () => { state.by = byInput.value.split(',').map((k) => k.trim()).filter(Boolean).join(','); state.offset = 0; refresh(); });
  const archivedChip = h('span', { class: 'chip' + (state.archived === 'only' ? ' on' : ''), id: 'archived-toggle', title: 'archived runs are hidden from the table; show them instead' }, 'archived');
  archivedChip.addEventListener('click', () => {
    state.archived = state.archived === 'only' ? '' : 'only';
    archivedChip.classList.toggle('on', state.archived === 'only');
    state.offset = 0;
    refresh();
  });
  const bulkBar = bulkActions();

  mount(
    main,
    h('h1', null, 'Runs ', countEl),
    h('div', { class: 'toolbar' }, search, methodSel, statusChips, archivedChip),
    h('div', { class: 'toolbar' }, cfgInput, cfgList, h('button', { class: 'btn small', type: 'button', onclick: addCfg }, 'add filter'), cfgChips,
      h('label', { class: 'chip' }, groupBox, ' group'), byInput, byList, compareBtn,
      h('span', { class: 'col-anchor' }, colsBtn, colsPanel), csvLink),
    bulkBar.el,
    tableHost,
  );

  /** Actions on the ticked runs: add or remove a tag, archive or restore, delete (asks first). */
  function bulkActions() {
    const tagInput = h('input', { type: 'text', id: 'bulk-tag', placeholder: 'tag', size: 12 });
    const msg = h('span', { class: 'muted small', id: 'bulk-msg' });
    const count = h('b');
    /**
     * POST an action on the selected runs, then say what it did.
     * @template T the action's answer
     * @param {string} path
     * @param {Record<string, unknown>} body
     * @param {(res: T) => string} done the message for the answer
     */
    const run = async (path, body, done) => {
      try {
        const res = await api(path, { method: 'POST', body: { ids: [...selected], ...body } });
        const text = done(res);
        // Say "done" only once the table shows it: a message over a stale table misleads (and a
        // test waiting for the message would read the old rows).
        await refresh();
        msg.textContent = text;
      } catch (err) {
        msg.textContent = errorMessage(err);
      }
    };
    const tag = (/** @type {'add' | 'remove'} */ op) => {
      const t = tagInput.value.trim();
      if (!t) return void (msg.textContent = 'type a tag first');
      run('/api/runs/tags', { [op]: [t] }, () => `${op === 'add' ? 'tagged' : 'untagged'} ${selected.size} runs "${t}"`);
    };
    const el = h('div', { class: 'toolbar bulk', id: 'bulk-actions', hidden: true },
      h('span', null, count, ' selected:'), tagInput,
      h('button', { class: 'btn small', type: 'button', id: 'bulk-tag-add', onclick: () => tag('add') }, '+ tag'),
      h('button', { class: 'btn small', type: 'button', id: 'bulk-tag-remove', onclick: () => tag('remove') }, '− tag'),
      h('button', { class: 'btn small', type: 'button', id: 'bulk-archive', onclick: () => run('/api/runs/archive', {}, (/** @type {RunsChanged} */ r) => { const n = selected.size; selected.clear(); return `archived ${r.changed} of ${n}`; }) }, 'archive'),
      h('button', { class: 'btn small', type: 'button', id: 'bulk-restore', onclick: () => run('/api/runs/restore', {}, (/** @type {RunsChanged} */ r) => { selected.clear(); return `restored ${r.changed}`; }) }, 'restore'),
      h('button', { class: 'btn small danger', type: 'button', id: 'bulk-delete', onclick: () => {
        if (!confirm(`Delete ${selected.size} runs with their metrics, images and eval results from the database? Their folders stay on disk.`)) return;
        run('/api/runs/delete', {}, (/** @type {RunsDeleted} */ r) => { selected.clear(); return `deleted ${r.deleted} runs`; });
      } }, 'delete…'),
      h('button', { class: 'btn small', type: 'button', onclick: () => { selected.clear(); refresh(); } }, 'clear selection'),
      msg);
    return { el, update() { el.hidden = selected.size === 0; count.textContent = String(selected.size); } };
  }

  function goCompare() {
    if (selected.size < 2) return;
    location.hash = `#/compare?ids=${[...selected].map(encodeURIComponent).join(',')}`;
  }
  const updateCompare = () => {
    compareBtn.disabled = selected.size < 2;
    compareBtn.textContent = `Compare selected (${selected.size})`;
    bulkBar.update();
  };

  function renderCfgChips() {
    const scope = (/** @type {string} */ label, /** @type {'sweep' | 'groupKey'} */ key) => state[key] ? h('span', { class: 'chip on' }, `${label} ${state[key]}`, h('button', { type: 'button', title: 'remove', onclick: () => { state[key] = ''; state.offset = 0; refresh(); } }, '×')) : null;
    mount(cfgChips, scope('sweep', 'sweep'), scope('group', 'groupKey'),
      state.cfg.map((c, i) => h('span', { class: 'chip on' }, c, h('button', { type: 'button', title: 'remove', onclick: () => { state.cfg.splice(i, 1); state.offset = 0; refresh(); } }, '×'))));
  }

  // Long keys (lpips_diversity, model.where_add) may wrap after '_' or '.', not mid-word.
  const breakable = (/** @type {string} */ label) => label.split(/(?<=[_.])/).flatMap((part, i) => (i ? [h('wbr'), part] : [part]));
  const sortHeader = (/** @type {string} */ label, /** @type {string} */ key, cls = '') => {
    const active = state.sort === key;
    return h('th', {
      class: `sortable ${cls}`, dataset: { sort: key },
      onclick: () => {
        if (state.sort === key) state.order = state.order === 'asc' ? 'desc' : 'asc';
        else { state.sort = key; state.order = key === 'name' || key === 'method' || key === 'status' ? 'asc' : 'desc'; }
        refresh();
      },
    }, breakable(label), active ? h('span', { class: 'arrow' }, state.order === 'asc' ? ' ▲' : ' ▼') : null);
  };

  // Refreshes overlap (live updates, actions, typing); only the newest one may draw the table, or
  // an older response landing late would show rows from before an action. A superseded refresh
  // resolves when the newer one has drawn, so `await refresh()` always means "the table is current".
  let refreshSeq = 0;
  /** @type {Promise<void>} */
  let latestRefresh = Promise.resolve();
  /** @returns {Promise<void>} */
  function refresh() {
    latestRefresh = draw(++refreshSeq);
    return latestRefresh;
  }
  /**
   * Fetch and draw the table (runs or groups) unless a newer refresh started meanwhile.
   * @param {number} seq
   * @returns {Promise<void>}
   */
  async function draw(seq) {
    pushState();
    renderCfgChips();
    csvLink.href = url('/api/runs', { ...query(), offset: 0, limit: 1000, format: 'csv' });
    csvLink.hidden = state.group;
    const path = state.group ? '/api/runs/groups' : '/api/runs';
    /** @type {{ grouped: true, data: RunGroupsPage } | { grouped: false, data: RunsPage }} */
    let answer;
    try {
      answer = { grouped: state.group, data: await api(url(path, query())) };
    } catch (err) {
      if (seq !== refreshSeq) return latestRefresh;
      if (ctx.alive()) mount(tableHost, notice(errorMessage(err), 'error'));
      return;
    }
    if (seq !== refreshSeq) return latestRefresh;
    if (!ctx.alive()) return;
    const { data } = answer;
    // Facets for the status chips, the method menu and config key autocomplete.
    if (!statusChips.childElementCount) mount(statusChips, (data.facets?.statuses ?? []).map(statusChip));
    const methods = data.facets?.methods ?? [];
    if (methodSel.options.length !== methods.length + 1) {
      mount(methodSel, h('option', { value: '' }, 'all methods'), methods.map((m) => h('option', { value: m }, m)));
    }
    methodSel.value = state.method;
    mount(cfgList, (data.facets?.configKeys ?? []).map((k) => h('option', { value: `${k}=` })));
    mount(byList, ['method', ...(data.facets?.configKeys ?? [])].map((k) => h('option', { value: state.by ? `${state.by},${k}` : k })));
    countEl.textContent = (state.group ? `${data.total} groups` : `${data.total} runs`) + (state.archived === 'only' ? ' (archived)' : '');
    data.columns = effectiveColumns(data.columns);
    renderColumnChooser(data.columns);
    mount(tableHost, answer.grouped ? groupTable(answer.data) : runTable(answer.data), pager(data));
    updateCompare();
  }

  /**
   * The server's columns with the user's saved choice applied.
   * @param {Columns} c
   * @returns {Columns}
   */
  function effectiveColumns(c) {
    const saved = savedColumns();
    return { ...c, config: saved.config ?? c.config, metrics: saved.metrics ?? c.metrics, evals: saved.evals ?? c.evals };
  }

  /** @param {Columns} cols */
  function renderColumnChooser(cols) {
    const group = (/** @type {string} */ title, /** @type {ColumnKind} */ kind) => {
      const keys = [...new Set([...cols[kind], ...(cols.available?.[kind] ?? [])])];
      return h('fieldset', null, h('legend', null, title), keys.length ? keys.map((k) => {
        const box = h('input', { type: 'checkbox', checked: cols[kind].includes(k), dataset: { kind, key: k } });
        box.addEventListener('change', () => {
          const saved = savedColumns();
          const current = saved[kind] ?? cols[kind];
          saved[kind] = box.checked ? [...current, k] : current.filter((x) => x !== k);
          localStorage.setItem(COLUMNS_KEY, JSON.stringify(saved));
          refresh();
        });
        return h('label', null, box, ' ', k);
      }) : h('span', { class: 'muted small' }, 'none'));
    };
    mount(colsPanel,
      h('div', { class: 'col-groups' }, group('metrics (last, min–max)', 'metrics'), group('evaluation', 'evals'), group('config', 'config')),
      h('button', { class: 'btn small', type: 'button', onclick: () => { localStorage.removeItem(COLUMNS_KEY); refresh(); } }, 'reset to defaults'));
  }

  /** @param {MetricCell | undefined} m */
  function metricCell(m) {
    if (!m) return h('td', { class: 'num' }, '—');
    return h('td', { class: 'num' + (m.last === null ? ' bad' : ''), title: `last ${m.last ?? 'non-finite'} at step ${m.step}\nmin ${m.min}\nmax ${m.max}` }, m.last === null ? 'NaN/∞' : fmt(m.last), h('span', { class: 'sub' }, `${fmt(m.min, 3)} – ${fmt(m.max, 3)}`));
  }

  /** @param {RunsPage} data */
  function runTable(data) {
    const cfgCols = data.columns?.config ?? [];
    const metricCols = data.columns?.metrics ?? [];
    const evalCols = data.columns?.evals ?? [];
    if (!data.items.length) return notice(data.total === 0 && !state.q && !state.status.length && !state.cfg.length && !state.method ? 'No runs yet. Train one with `npx workbench train ...` or run the quick sweep with `npm start`.' : 'No runs match these filters.');
    const allBox = h('input', { type: 'checkbox', title: 'select all on this page' });
    allBox.addEventListener('change', () => {
      for (const r of data.items) {
        if (allBox.checked) selected.add(r.id);
        else selected.delete(r.id);
      }
      refresh();
    });
    return h('div', { style: { overflowX: 'auto' } }, h('table', { class: 'data runs' },
      h('thead', null, h('tr', null,
        h('th', null, allBox),
        sortHeader('status', 'status'),
        sortHeader('name', 'name'),
        sortHeader('method', 'method'),
        cfgCols.map((k) => sortHeader(k, `config:${k}`)),
        metricCols.map((k) => sortHeader(k, `metric:${k}`, 'num')),
        evalCols.map((k) => h('th', { class: 'num', title: `${k}: evaluation result ± standard error` }, breakable(data.columns.labels?.[k] ?? k))),
        sortHeader('started', 'createdAt'),
        sortHeader('duration', 'duration', 'num'),
      )),
      h('tbody', null, data.items.map((r) => {
        const box = h('input', { type: 'checkbox', checked: selected.has(r.id), dataset: { runId: r.id } });
        box.addEventListener('change', () => {
          if (box.checked) selected.add(r.id);
          else selected.delete(r.id);
          updateCompare();
        });
        return h('tr', { dataset: { runId: r.id } },
          h('td', null, box),
          h('td', null, statusBadge(r.status, r.exitReason),
            r.status === 'running' ? h('span', { class: 'sub', title: 'time since the last heartbeat: a run silent for longer than the stale threshold becomes crashed' }, `♥ ${fmtDuration(Math.max(0, Date.now() - r.heartbeatAt))} ago`) : null),
          h('td', { class: 'name-cell' }, h('a', { href: `#/run/${encodeURIComponent(r.id)}`, class: 'run-name', title: r.name }, r.name || r.id),
            h('span', { class: 'sub mono' }, r.id, ' ', r.archivedAt ? h('span', { class: 'tag archived', title: `archived ${fmtTime(r.archivedAt)}` }, 'archived') : null, r.tags.map((t) => h('span', { class: 'tag', title: t }, t))),
            r.exitReason && r.status !== 'finished' ? h('span', { class: 'reason', title: r.exitReason }, r.exitReason) : null),
          h('td', null, r.method),
          cfgCols.map((k) => h('td', { class: 'mono' }, configValue(r.config[k]))),
          metricCols.map((k) => metricCell(r.metrics[k])),
          evalCols.map((k) => h('td', { class: 'num' }, r.evals[k] ? fmt(r.evals[k].value) : '—', r.evals[k]?.stderr ? h('span', { class: 'sub' }, `± ${fmt(r.evals[k].stderr, 2)}`) : null)),
          h('td', { title: fmtTime(r.startedAt) }, fmtTime(r.startedAt, true)),
          h('td', { class: 'num' }, fmtDuration(r.durationMs)),
        );
      })),
    ));
  }

  /** @param {RunGroupsPage} data */
  function groupTable(data) {
    const cfgCols = data.columns?.config ?? [];
    const metricCols = data.columns?.metrics ?? [];
    const evalCols = data.columns?.evals ?? [];
    if (!data.items.length) return notice('No runs match these filters.');
    const byKeys = Boolean(state.by);
    const ci = { title: 'mean [95% CI of the mean, Student t] (n runs)' };
    return h('div', { style: { overflowX: 'auto' } }, h('table', { class: 'data groups' },
      h('thead', null, h('tr', null,
        h('th', null, ''), h('th', null, 'method'), sortHeader('n', 'n', 'num'), h('th', null, 'statuses'),
        cfgCols.map((k) => h('th', null, k)),
        metricCols.map((k) => sortHeader(k, `metric:${k}`, 'num')),
        evalCols.map((k) => sortHeader(data.columns.labels?.[k] ?? k, `eval:${k}`, 'num')),
        h('th', null, byKeys ? 'runs' : 'seeds'),
      )),
      h('tbody', null, data.items.map((g) => {
        const box = h('input', { type: 'checkbox', checked: g.runIds.every((id) => selected.has(id)), title: 'select all runs of this group' });
        box.addEventListener('change', () => {
          for (const id of g.runIds) {
            if (box.checked) selected.add(id);
            else selected.delete(id);
          }
          updateCompare();
        });
        return h('tr', { dataset: { groupKey: g.groupKey } },
          h('td', null, box),
          h('td', null, g.method),
          h('td', { class: 'num' }, String(g.n)),
          h('td', null, Object.entries(g.statuses).map(([s, n]) => h('span', { class: `status status-${s}`, title: s, style: { marginRight: '3px' } }, `${n}`))),
          cfgCols.map((k) => h('td', { class: 'mono' }, configValue(g.config[k]))),
          metricCols.map((k) => h('td', { class: 'num', ...ci }, fmtCi(g.metrics[k]))),
          evalCols.map((k) => h('td', { class: 'num', dataset: { eval: k }, ...ci }, fmtCi(g.evals[k]))),
          h('td', { class: 'wrap' }, byKeys
            ? h('a', { class: 'tag', href: `#/runs?cfg=${encodeURIComponent(g.configFilter ?? '')}`, title: 'list the runs of this group' }, `${g.n} runs ›`)
            : g.runs.map((r) => h('a', { href: `#/run/${encodeURIComponent(r.id)}`, class: 'tag', title: r.name }, r.seed === null ? r.id : `seed ${r.seed}`)),
            g.n > 1 ? h('a', { class: 'small', href: `#/compare?ids=${g.runIds.map(encodeURIComponent).join(',')}`, style: { marginLeft: '4px' } }, 'compare ›') : null),
        );
      })),
    ));
  }

  /** @param {{ total: number, offset: number, items: unknown[] }} data */
  function pager(data) {
    const from = data.total === 0 ? 0 : data.offset + 1;
    const to = Math.min(data.offset + data.items.length, data.total);
    return h('div', { class: 'pager' },
      h('button', { class: 'btn small', type: 'button', disabled: data.offset === 0, onclick: () => { state.offset = Math.max(0, state.offset - PAGE); refresh(); } }, '‹ prev'),
      h('span', { class: 'muted small' }, `${from}–${to} of ${data.total}`),
      h('button', { class: 'btn small', type: 'button', disabled: to >= data.total, onclick: () => { state.offset += PAGE; refresh(); } }, 'next ›'),
    );
  }

  // Live: refetch the visible page when anything changes (throttled to once a second).
  let pending = false;
  ctx.onChange(() => {
    if (pending) return;
    pending = true;
    setTimeout(() => { pending = false; if (ctx.alive()) refresh(); }, 1000);
  });
  await refresh();
}
