// Run lifecycle through the JSON API (real server, real SQLite file, real run folders): archive,
// restore and delete runs and sweeps, bulk tags, and the realism study's answers per run and per
// participant, with practice answers that never reach the fooling rate or the paper tables.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from './support/api-client.js';
import { startTestDashboard, type TestDashboard } from './support/test-server.js';

let t: TestDashboard;
const { get, json, send } = apiClient(() => t.url);
const ids = (d: { items: Array<{ id: string }> }) => d.items.map((r) => r.id).sort();

beforeAll(async () => {
  t = await startTestDashboard();
});
afterAll(async () => {
  await t?.cleanup();
});

describe('realism answers per run and participant', () => {
  it('stores practice answers apart: listed, never counted', async () => {
    const runId = 'run-bicyclegan-s0';
    const before = (await json(`/api/realism/summary?ids=${runId}`)).rates[0];
    const judge = async (participant: string, chosen: 'real' | 'fake', practice: boolean) => {
      const pair = await json(`/api/realism/${runId}/pair`);
      const res = await send('POST', '/api/realism/judgments', { runId, realRef: pair.real.ref, fakeRef: pair.fake.ref, sig: pair.sig, chosen, participant, practice });
      expect(res.status).toBe(201);
      return (await res.json()).foolingRate;
    };
    // The paper tables' fooling-rate cell of the run's row, as the sweep page shows it.
    const tableCell = async () => {
      const d = await json('/api/sweeps/sweep-quick/tables');
      const rows = d.tables.flatMap((tb: { rows: Array<{ runIds: string[]; cells: Record<string, unknown> }> }) => tb.rows.filter((r) => r.runIds.includes(runId)));
      return rows.map((r: { cells: Record<string, unknown> }) => r.cells.fooling_rate);
    };
    const cellBefore = await tableCell();
    expect(cellBefore.length).toBeGreaterThan(0);
    // Two practice answers that both picked the fake: the fooling rate and the tables must not move.
    await judge('ann', 'fake', true);
    const afterPractice = await judge('ann', 'fake', true);
    expect([afterPractice.n, afterPractice.fooled]).toEqual([before.n, before.fooled]);
    expect(await tableCell()).toEqual(cellBefore);
    await judge('ann', 'real', false);
    await judge('bob', 'fake', false);
    const rate = (await json(`/api/realism/summary?ids=${runId}`)).rates[0];
    expect([rate.n, rate.fooled]).toEqual([before.n + 2, before.fooled + 1]);
    expect(await tableCell()).not.toEqual(cellBefore);

    const ann = await json(`/api/realism/answers?run=${runId}&participant=ann&detail=1`);
    expect(ann.counts).toEqual([expect.objectContaining({ runId, participant: 'ann', n: 1, fooled: 0, practice: 2 })]);
    expect(ann.answers.map((a: { practice: boolean }) => a.practice)).toEqual([true, true, false]);
    expect(ann.runs[0].id).toBe(runId);
    // Seeded answers carry no participant: addressed as participant= (empty).
    expect((await json(`/api/realism/answers?participant=`)).counts.every((c: { participant: string | null }) => c.participant === null)).toBe(true);
  });

  it('deletes one participant\'s answers, then a run\'s; refuses an unscoped delete', async () => {
    const runId = 'run-bicyclegan-s0';
    const unscoped = await send('DELETE', '/api/realism/answers');
    expect(unscoped.status).toBe(400);
    expect((await unscoped.json()).error).toMatch(/run=<run id> and\/or participant=<name>/);
    expect(await (await send('DELETE', '/api/realism/answers?participant=ann')).json()).toEqual({ deleted: 3 });
    expect((await json('/api/realism/answers?participant=ann')).counts).toEqual([]);
    expect((await json('/api/realism/answers?participant=bob')).counts[0].n).toBe(1);
    const { deleted } = await (await send('DELETE', `/api/realism/answers?run=${runId}`)).json();
    expect(deleted).toBe(13); // 12 seeded + bob's
    expect((await json(`/api/realism/summary?ids=${runId}`)).rates).toEqual([]);
    expect((await get('/api/realism/answers?practice=2')).status).toBe(400);
  });
});

describe('archive, restore, delete', () => {
  it('archives runs out of the default listing and restores them', async () => {
    const res = await send('POST', '/api/runs/archive', { ids: ['run-failed', 'run-crashed'] });
    expect(await res.json()).toEqual({ changed: 2 });
    const listed = await json('/api/runs');
    expect(listed.total).toBe(6);
    expect(ids(listed)).not.toContain('run-failed');
    expect(ids(await json('/api/runs?archived=only'))).toEqual(['run-crashed', 'run-failed']);
    expect((await json('/api/runs?archived=include')).total).toBe(8);
    // Explicit ids still find an archived run; its detail says it is archived.
    expect(ids(await json('/api/runs?ids=run-failed'))).toEqual(['run-failed']);
    expect((await json('/api/runs/run-failed')).run.archivedAt).toBeTypeOf('number');
    expect((await json('/api/runs/groups')).items.flatMap((g: { runIds: string[] }) => g.runIds)).not.toContain('run-crashed');
    expect(await (await send('POST', '/api/runs/restore', { ids: ['run-failed', 'run-crashed'] })).json()).toEqual({ changed: 2 });
    expect((await json('/api/runs')).total).toBe(8);
  });

  it('refuses unknown ids without changing anything, and bad bodies', async () => {
    const res = await send('POST', '/api/runs/archive', { ids: ['run-failed', 'no-such-run'] });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatch(/no run with id "no-such-run".*nothing was changed/);
    expect((await json('/api/runs')).total).toBe(8);
    expect((await send('POST', '/api/runs/archive', { ids: [] })).status).toBe(400);
    expect((await send('POST', '/api/runs/archive', { ids: 'run-failed' })).status).toBe(400);
    expect((await get('/api/runs?archived=maybe')).status).toBe(400);
    // A form post from another site is refused before it reaches the route.
    const forged = await get('/api/runs/delete', { method: 'POST', body: 'ids=run-live', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(forged.status).toBe(415);
  });

  it('adds and removes tags on many runs at once', async () => {
    const res = await send('POST', '/api/runs/tags', { ids: ['run-bicyclegan-s0', 'run-cvae_gan-s0'], add: ['paper', 'fig3'], remove: ['quick'] });
    expect(await res.json()).toEqual({ changed: 2 });
    expect((await json('/api/runs/run-bicyclegan-s0')).run.tags).toEqual(['baseline', 'paper', 'fig3']);
    expect((await json('/api/runs/run-cvae_gan-s0')).run.tags).toEqual(['ablation', 'paper', 'fig3']);
    expect(ids(await json('/api/runs?tag=fig3'))).toEqual(['run-bicyclegan-s0', 'run-cvae_gan-s0']);
    expect((await send('POST', '/api/runs/tags', { ids: ['run-live'] })).status).toBe(400);
    expect((await send('POST', '/api/runs/tags', { ids: ['run-live'], add: [''] })).status).toBe(400);
  });

  it('deletes a run with everything it logged, and its folder only when asked', async () => {
    const folder = path.join(t.seeded.dir, 'runs', 'run-cvae_gan-s1');
    expect(existsSync(folder)).toBe(true);
    const res = await send('DELETE', '/api/runs/run-cvae_gan-s1');
    expect(await res.json()).toEqual({ deleted: 1, folders: 0 });
    expect(existsSync(folder)).toBe(true);
    expect((await get('/api/runs/run-cvae_gan-s1')).status).toBe(404);
    expect(t.seeded.store.metricKeys('run-cvae_gan-s1')).toEqual([]);
    expect(t.seeded.store.evalResults({ runId: 'run-cvae_gan-s1' })).toEqual([]);
    const withFiles = path.join(t.seeded.dir, 'runs', 'run-cvae_gan-s0');
    expect(await (await send('POST', '/api/runs/delete', { ids: ['run-cvae_gan-s0'], files: true })).json()).toEqual({ deleted: 1, folders: 1 });
    expect(existsSync(withFiles)).toBe(false);
    expect(existsSync(t.seeded.dir)).toBe(true);
  });

  it('archives a sweep with its runs, restores it, and deletes it keeping or removing its runs', async () => {
    const archived = await (await send('POST', '/api/sweeps/sweep-quick/archive')).json();
    expect(archived.sweep.archivedAt).toBeTypeOf('number');
    expect((await json('/api/sweeps')).sweeps).toEqual([]);
    expect((await json('/api/sweeps?archived=only')).sweeps.map((s: { id: string }) => s.id)).toEqual(['sweep-quick']);
    expect((await json('/api/runs?sweep=sweep-quick')).total).toBe(0);
    expect((await json('/api/runs?sweep=sweep-quick&archived=only')).total).toBe(2);
    await send('POST', '/api/sweeps/sweep-quick/restore');
    expect((await json('/api/sweeps')).sweeps).toHaveLength(1);
    expect((await json('/api/runs?sweep=sweep-quick')).total).toBe(2);
    expect((await send('DELETE', '/api/sweeps/sweep-quick?files=1')).status).toBe(400);
    expect(await (await send('DELETE', '/api/sweeps/sweep-quick')).json()).toEqual({ deleted: true, runs: 0, folders: 0 });
    expect((await get('/api/sweeps/sweep-quick')).status).toBe(404);
    // The runs stay, detached from the deleted sweep.
    expect((await json('/api/runs/run-bicyclegan-s0')).run.sweepId).toBeNull();
    expect((await send('POST', '/api/sweeps/sweep-quick/archive')).status).toBe(404);
  });
});

