// All sweeps with their job status counts.
import { api } from '../api.js';
import { h, mount, notice, fmtTime, statusBadge } from '../dom.js';

export async function render(main, _params, ctx) {
  const host = h('div');
  mount(main, h('h1', null, 'Sweeps'), host);
  async function refresh() {
    const data = await api('/api/sweeps');
    if (!ctx.alive()) return;
    if (!data.sweeps.length) {
      mount(host, notice('No sweeps yet. `npm start` runs the quick ablation sweep; `npx workbench sweep ...` runs your own.'));
      return;
    }
    mount(host, h('table', { class: 'data sweeps' },
      h('thead', null, h('tr', null, h('th', null, 'sweep'), h('th', null, 'status'), h('th', { class: 'num' }, 'jobs'), h('th', null, 'job states'), h('th', null, 'grid'), h('th', null, 'created'))),
      h('tbody', null, data.sweeps.map((s) => h('tr', null,
        h('td', null, h('a', { href: `#/sweep/${encodeURIComponent(s.id)}` }, s.name || s.id), h('span', { class: 'sub mono' }, s.id)),
        h('td', null, statusBadge(s.status)),
        h('td', { class: 'num' }, String(s.jobCount)),
        h('td', null, h('span', { class: 'counts' }, Object.entries(s.counts).map(([k, n]) => h('span', { class: `status status-${k}`, title: k }, `${k} ${n}`)))),
        h('td', { class: 'wrap mono small' }, Object.entries(s.grid).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : JSON.stringify(v)}`).join('  ')),
        h('td', null, fmtTime(s.createdAt)))))));
  }
  ctx.onChange(() => refresh().catch(() => {}));
  await refresh().catch((e) => mount(host, notice(e.message, 'error')));
}
