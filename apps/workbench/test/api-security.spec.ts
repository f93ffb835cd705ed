// Issue 13, security items 1-5: the holes found by probing the dashboard from outside, each
// replayed against a real server on 127.0.0.1 (with a token, so the ingest API is open to the
// test as it is to a token holder) over a real seeded SQLite file.
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDashboard, type TestDashboard } from './support/test-server.js';
import { storeDatabase } from '@workbench/tracking/testing';

const TOKEN = 'security-test-token-0123';
let t: TestDashboard;
const auth = { authorization: `Bearer ${TOKEN}` };
const get = (p: string) => fetch(`${t.url}${p}`, { headers: auth });
const post = (p: string, body: unknown) => fetch(`${t.url}${p}`, { method: 'POST', body: JSON.stringify(body), headers: { ...auth, 'content-type': 'application/json' } });
const ingest = (records: unknown[]) => post('/api/ingest', records);
const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;
const protoNames = () => Object.getOwnPropertyNames(Object.prototype).sort();
const newRun = (id: string, extra: Record<string, unknown> = {}) => ({ op: 'createRun', run: { id, method: 'bicyclegan', config: { seed: 0, model: { nz: 8 } }, ...extra } });

beforeAll(async () => {
  t = await startTestDashboard({ token: TOKEN });
});
afterAll(async () => {
  await t?.cleanup();
});

describe('1. no file read through ingest: run folders live under the runs root', () => {
  it('a run created with runDir=/etc or runDir=../../.. never serves /etc/passwd', async () => {
    for (const [id, runDir] of [['evil-etc', '/etc'], ['evil-up', '../../../../../'], ['evil-up2', '../../../../../etc']] as const) {
      const res = await ingest([newRun(id, { runDir })]);
      expect(res.status, `${id}: ${res.status}`).toBeLessThan(500);
      for (const file of ['passwd', 'etc/passwd']) {
        const served = await get(`/api/runs/${id}/files/${file}`);
        expect(served.status, `${id}/${file}`).not.toBe(200);
        expect(await served.text()).not.toMatch(/root:/);
      }
    }
    // What a client says about folders is not kept: the server's own layout decides.
    const stored = t.seeded.store.getRun('evil-etc');
    expect(stored?.runDir ?? null).toBeNull();
  });

  it('refuses run and sweep ids that are not plain names, in ingest and in routes (400)', async () => {
    for (const id of ['../../../../etc', '..', 'a/b', 'a\\b', '.hidden', '', 'x'.repeat(200), 'a b', '-rf']) {
      const res = await ingest([newRun(id)]);
      expect(res.status, JSON.stringify(id)).toBe(400);
      expect(await errorOf(res)).toMatch(/run id/);
    }
    const sweep = await ingest([{ op: 'createSweep', sweep: { id: '../sweeps' } }]);
    expect(sweep.status).toBe(400);
    expect(await errorOf(sweep)).toMatch(/sweep id/);
    expect(t.seeded.store.getRun('..')).toBeUndefined();
    for (const p of ['/api/runs/..%2F..%2Fetc', '/api/runs/a%20b/files/x', '/api/sweeps/..%2Fx', '/api/explorer/..%2F..', '/api/ingest/runs/..%2F..%2Fetc']) {
      const res = await get(p);
      expect(res.status, p).toBe(400);
      expect(await errorOf(res), p).toMatch(/(run|sweep) id/);
    }
  });

  it('checks the real path: a run folder that is a symlink out of the runs root is refused (403)', async () => {
    t.seeded.store.createRun({ id: 'run-linked', method: 'bicyclegan', config: { seed: 0 } });
    symlinkSync('/etc', path.join(t.seeded.dir, 'runs', 'run-linked'));
    const res = await get('/api/runs/run-linked/files/passwd');
    expect(res.status).toBe(403);
    expect(await errorOf(res)).toMatch(/runs root/);
    // A run row written by an older version (or another writer) with a foreign run_dir: ignored.
    t.seeded.store.createRun({ id: 'run-foreign-dir', method: 'bicyclegan', config: { seed: 0 }, runDir: '/etc' });
    mkdirSync(path.join(t.seeded.dir, 'runs', 'run-foreign-dir'));
    expect((await get('/api/runs/run-foreign-dir/files/passwd')).status).toBe(404);
    // The ordinary case still works.
    expect((await get('/api/runs/run-cvae_gan-s1/files/images/step-0000100.png')).status).toBe(200);
  });
});

describe('2. no prototype pollution from user keys', () => {
  it('config=__proto__=1 is refused and leaves Object.prototype and every later filter intact', async () => {
    const before = protoNames();
    const ok = async () => (await (await get('/api/runs?config=model.nz%3E3')).json()).total as number;
    const baseline = await ok();
    expect(baseline).toBeGreaterThan(0);
    for (const q of ['__proto__=1', 'constructor=1', 'prototype=1', 'model.__proto__.x=1', '__proto__.eq=1']) {
      const res = await get(`/api/runs?config=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(400);
      expect(await errorOf(res), q).toMatch(/reserved/);
    }
    expect(protoNames()).toEqual(before);
    expect(({} as Record<string, unknown>).eq).toBeUndefined();
    expect(await ok()).toBe(baseline);
    expect((await (await get('/api/runs?config=model.nz!%3D3')).json()).total).toBeGreaterThan(0);
  });

  it('refuses reserved names as sort keys, column keys, metric keys and in ingested configs', async () => {
    const before = protoNames();
    for (const p of ['/api/runs?sort=config:__proto__', '/api/runs?cols=__proto__', '/api/runs?sort=metric:constructor', '/api/compare/metrics?ids=run-bicyclegan-s0&keys=__proto__', '/api/compare/bands?ids=run-bicyclegan-s0&keys=constructor', '/api/runs/run-bicyclegan-s0/metrics?keys=__proto__']) {
      const res = await get(p);
      expect(res.status, p).toBe(400);
      expect(await errorOf(res), p).toMatch(/reserved/);
    }
    const polluted = await ingest([{ op: 'createRun', run: { id: 'run-polluted', method: 'bicyclegan', config: JSON.parse('{"model":{"__proto__":{"eq":1}}}') } }]);
    expect(polluted.status).toBe(400);
    expect(await errorOf(polluted)).toMatch(/reserved/);
    const metricKey = await ingest([{ op: 'metrics', runId: 'run-bicyclegan-s0', points: [{ key: '__proto__', step: 1, value: 1 }] }]);
    expect(metricKey.status).toBe(400);
    expect(protoNames()).toEqual(before);
  });
});

describe('3. bad input is a 4xx with a message, never a 500', () => {
  it('vendor files, config filters, table formats, ingest ops and null points', async () => {
    for (const p of ['/vendor/__proto__', '/vendor/constructor', '/vendor/toString', '/vendor/hasOwnProperty']) {
      const res = await get(p);
      expect(res.status, p).toBe(404);
    }
    const dots = await get(`/api/runs?config=${encodeURIComponent('model..nz=8')}`);
    expect(dots.status).toBe(400);
    expect(await errorOf(dots)).toMatch(/model\.\.nz/);
    for (const format of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      const res = await get(`/api/sweeps/sweep-quick/tables?format=${format}`);
      expect(res.status, format).toBe(400);
      expect(await errorOf(res)).toMatch(/unknown format/);
    }
    for (const op of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const res = await ingest([{ op, runId: 'run-bicyclegan-s0' }]);
      expect(res.status, op).toBe(400);
      expect(await errorOf(res)).toMatch(/unknown tracking record op/);
    }
    const nullPoint = await ingest([{ op: 'metrics', runId: 'run-bicyclegan-s0', points: [null] }]);
    expect(nullPoint.status).toBe(400);
    expect(await errorOf(nullPoint)).toMatch(/points\[0\]/);
  });
});

describe('4. every ingest record is validated against one schema', () => {
  it('refuses unknown runs (even with no points), non-string tags, non-numeric eval values', async () => {
    const count = (sql: string) => storeDatabase(t.seeded.store).prepare(sql).pluck().get() as number;
    const before = [count('SELECT count(*) FROM metric_series'), count('SELECT count(*) FROM eval_results'), count('SELECT count(*) FROM ingest_keys')];
    const cases: Array<[unknown[], RegExp]> = [
      [[{ op: 'metrics', runId: 'no-such-run', points: [] }], /unknown run no-such-run/],
      [[{ op: 'setTags', runId: 'run-bicyclegan-s0', tags: [1, {}] }], /tags\[0\] must be a string/],
      [[{ op: 'evalResult', runId: 'run-bicyclegan-s0', result: { metric: 'fid', value: 'abc' } }], /result\.value must be a number/],
      [[{ op: 'metrics', runId: 'run-bicyclegan-s0', points: [{ key: 'x', step: 1.5, value: 1 }] }], /step must be an integer/],
      [[{ op: 'heartbeat', runId: 'run-live', at: 'now' }], /at must be a number/],
      [[{ op: 'createRun', run: { id: 'run-tags', method: 'bicyclegan', config: {}, tags: ['ok', 7] } }], /tags\[1\] must be a string/],
      [[{ op: 'artifact', runId: 'run-bicyclegan-s0', artifact: { kind: 'grid', path: 'a.png', step: 'x' } }], /artifact\.step must be/],
      [[{ op: 'finishRun', runId: 'run-live', status: 'exploded', at: 1 }], /status must be one of finished, failed, killed/],
      [[{ op: 'metrics', runId: 'run-bicyclegan-s0', points: [{ key: 'x', step: 1, value: 1 }], extra: 1 }], /unknown field "extra"/],
    ];
    for (const [records, message] of cases) {
      const res = await ingest(records);
      expect(res.status, JSON.stringify(records)).toBe(400);
      expect(await errorOf(res), JSON.stringify(records)).toMatch(message);
    }
    // A batch with one bad record writes nothing (the good one before it is rolled back too).
    const mixed = await ingest([{ op: 'metrics', runId: 'run-bicyclegan-s0', key: 'k-mixed', points: [{ key: 'fresh', step: 1, value: 1 }] }, { op: 'setTags', runId: 'run-bicyclegan-s0', tags: [null] }]);
    expect(mixed.status).toBe(400);
    expect(await errorOf(mixed)).toMatch(/record 1/);
    expect([count('SELECT count(*) FROM metric_series'), count('SELECT count(*) FROM eval_results'), count('SELECT count(*) FROM ingest_keys')]).toEqual(before);
    expect(t.seeded.store.getRun('run-bicyclegan-s0')!.tags).toEqual(['quick', 'baseline']);
    // Valid records still go through.
    const good = await ingest([{ op: 'evalResult', runId: 'run-bicyclegan-s0', result: { metric: 'fid', value: 'NaN' } }, { op: 'setTags', runId: 'run-bicyclegan-s0', tags: ['quick', 'baseline'] }]);
    expect(good.status).toBe(200);
  });
});

describe('5. realism answers cannot be replayed or forged', () => {
  it('one answer per signed pair: replays get 409 and add nothing', async () => {
    const pair = await (await get('/api/realism/run-bicyclegan-s0/pair')).json();
    const n = () => t.seeded.store.foolingRate('run-bicyclegan-s0').n;
    const before = n();
    const answer = { runId: 'run-bicyclegan-s0', realRef: pair.real.ref, fakeRef: pair.fake.ref, sig: pair.sig, chosen: 'fake' };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await post('/api/realism/judgments', { ...answer, key: `k${i}` })).status);
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    expect(n()).toBe(before + 1);
    const replay = await post('/api/realism/judgments', answer);
    expect(await errorOf(replay)).toMatch(/already answered/);
  });

  it('an ingested judgment needs a pair this server issued, once', async () => {
    const n = () => t.seeded.store.foolingRate('run-bicyclegan-s0').n;
    const before = n();
    const forged = await ingest([{ op: 'judgment', judgment: { runId: 'run-bicyclegan-s0', realRef: 'test:0:B', fakeRef: 'made-up', chosen: 'fake' } }]);
    expect(forged.status).toBe(400);
    expect(await errorOf(forged)).toMatch(/pair this server issued/);
    const badSig = await ingest([{ op: 'judgment', judgment: { runId: 'run-bicyclegan-s0', realRef: 'test:0:B', fakeRef: 'made-up', chosen: 'fake', sig: 'x'.repeat(43) } }]);
    expect(badSig.status).toBe(400);
    expect(n()).toBe(before);
    const pair = await (await get('/api/realism/run-bicyclegan-s0/pair')).json();
    const rec = { op: 'judgment', judgment: { runId: 'run-bicyclegan-s0', realRef: pair.real.ref, fakeRef: pair.fake.ref, sig: pair.sig, chosen: 'real' } };
    expect((await ingest([rec])).status).toBe(200);
    expect(n()).toBe(before + 1);
    const again = await ingest([rec]);
    expect(again.status).toBe(409);
    expect(n()).toBe(before + 1);
  });
});
