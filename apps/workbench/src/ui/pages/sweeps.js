// @ts-check
// All sweeps with their job status counts; archive, restore or delete a sweep (with its runs).
import { api, url } from '../api.js';
import { h, mount, notice, fmtTime, statusBadge } from '../dom.js';

/** @type {import('../page-context.js').PageModule['render']} */
export async function render(main, params, ctx) {
  const host = h('div');
  let archived = params.archived === 'only';
  const archivedChip = h('span', { class: 'chip' + (archived ? ' on' : ''), id: 'sweeps-archived' }, 'archived');
  archivedChip.addEventListener('click', () => {
    archived = !archived;
    archivedChip.classList.toggle('on', archived);
    history.replaceState(null, '', archived ? '#/sweeps?archived=only' : '#/sweeps');
    refresh().catch((e) => mount(host, notice(e.message, 'error')));
  });
  mount(main, h('h1', null, 'Sweeps'), h('div', { class: 'toolbar' }, archivedChip), host);
  const act = async (/** @type {'POST' | 'DELETE'} */ method, /** @type {string} */ path) => {
    await api(path, { method });
    await refresh();
  };
  const actions = (/** @type {import('../api-payloads.js').SweepListItem} */ s) => h('span', { class: 'toolbar', style: { margin: 0 } },
    s.archivedAt
      ? h('button', { class: 'btn small', type: 'button', dataset: { action: 'restore' }, onclick: () => act('POST', `/api/sweeps/${encodeURIComponent(s.id)}/restore`) }, 'restore')
      : h('button', { class: 'btn small', type: 'button', dataset: { action: 'archive' }, title: 'hide the sweep and its runs from the lists (nothing is lost)', onclick: () => act('POST', `/api/sweeps/${encodeURIComponent(s.id)}/archive`) }, 'archive'),
    h('button', { class: 'btn small danger', type: 'button', dataset: { action: 'delete' }, onclick: () => {
      if (!confirm(`Delete sweep ${s.name || s.id} and its ${s.jobCount} jobs from the database? Its runs are deleted too (their folders stay on disk).`)) return;
      act('DELETE', url(`/api/sweeps/${encodeURIComponent(s.id)}`, { runs: 1 }));
    } }, 'delete…'));
  async function refresh() {
    /** @type {import('../api-payloads.js').SweepsPage} */
    const data = await api(url('/api/sweeps', { archived: archived ? 'only' : '' }));
    if (!ctx.alive()) return;
    if (!data.sweeps.length) {
      mount(host, notice(archived ? 'No archived sweeps.' : 'No sweeps yet. `npm start` runs the quick ablation sweep; `npx workbench sweep ...` runs your own.'));
      return;
    }
    mount(host, h('table', { class: 'data sweeps' },
      h('thead', null, h('tr', null, h('th', null, 'sweep'), h('th', null, 'status'), h('th', { class: 'num' }, 'jobs'), h('th', null, 'job states'), h('th', null, 'grid'), h('th', null, 'created'), h('th', null, ''))),
      h('tbody', null, data.sweeps.map((s) => h('tr', { dataset: { sweepId: s.id } },
        h('td', null, h('a', { href: `#/sweep/${encodeURIComponent(s.id)}` }, s.name || s.id), h('span', { class: 'sub mono' }, s.id)),
        h('td', null, statusBadge(s.status)),
        h('td', { class: 'num' }, String(s.jobCount)),
        h('td', null, h('span', { class: 'counts' }, Object.entries(s.counts).map(([k, n]) => h('span', { class: `status status-${k}`, title: k }, `${k} ${n}`)))),
        h('td', { class: 'wrap mono small' }, Object.entries(s.grid).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : JSON.stringify(v)}`).join('  ')),
        h('td', null, fmtTime(s.createdAt)),
        h('td', null, actions(s)))))));
  }
  ctx.onChange(() => refresh().catch(() => {}));
  await refresh().catch((e) => mount(host, notice(e.message, 'error')));
}
