// Remote tracking end to end: `workbench train tracking.uri=...` reports to a real `workbench serve`
// over HTTP; the server is stopped in the middle of the run -> the client keeps every record in
// its spool file -> the run ends while the server is down -> the server comes back ->
// `workbench sync <spool>` -> every metric step is in the database exactly once, the run is
// finished; a second sync applies nothing; a wrong or missing token is refused with 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@workbench/tracking';
import { startServer } from '../src/server/index.js';
import { repoRoot, startServeProcess, workbenchBin, type ServeProcess } from './support/serve-process.js';
import { storeDatabase } from '@workbench/tracking/testing';
import { defined } from './support/defined.ts';

const TOKEN = 'remote-e2e-token-5678';
const ITERS = 80;
const LOG_EVERY = 2;

let dir = '';
let server: ServeProcess | undefined;

function workbench(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [workbenchBin, ...args], {
      cwd: repoRoot,
      env: { ...process.env, WORKBENCH_BACKEND: 'wasm', WORKBENCH_TOKEN: TOKEN, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-remote-'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('remote tracking (tracking.uri) through workbench serve', () => {
  it('server stopped mid-run: the client spools, sync uploads the rest, no point lost or duplicated', async () => {
    const db = join(dir, 'wb.db');
    server = await startServeProcess({ db, token: TOKEN });
    const port = server.port;
    const training = workbench(
      [
        'train',
        'data.crop_size=32',
        'data.train_size=16',
        'data.test_size=4',
        'model.ngf=4',
        'model.ndf=4',
        'model.nef=4',
        `train.iters=${ITERS}`,
        `train.log_every=${LOG_EVERY}`,
        'train.checkpoint_every=1000',
        'train.display_every=1000',
        `train.runs_dir=${join(dir, 'runs')}`,
        `tracking.uri=${server.url}`,
        '--progress',
        'none',
      ],
      { WORKBENCH_TRACKING_CLOSE_TIMEOUT_MS: '1500' },
    );

    // As soon as the server has the first metric points, take it down (the run is far from done).
    const store = openStore(db);
    let runId = '';
    for (const deadline = Date.now() + 90_000; ; ) {
      const r = store.listRuns({}).runs[0];
      const last = r ? store.metricSummaries([r.id]).find((m) => m.key === 'G_L1')?.lastStep : undefined;
      if (r && last !== undefined && last >= LOG_EVERY) {
        runId = r.id;
        break;
      }
      if (Date.now() > deadline) throw new Error('no metric of the run ever reached the server');
      await new Promise((res) => setTimeout(res, 100));
    }
    await server.stop();

    const trained = await training;
    expect(trained.code, trained.out).toBe(0);
    const spool = join(dir, 'runs', runId, 'tracking-spool.jsonl');
    expect(trained.out).toContain(`workbench sync ${spool}`);
    expect(existsSync(spool)).toBe(true);
    // What reached the server before the outage: some points, and no end of the run.
    const before = store.metricSummaries([runId]).find((m) => m.key === 'G_L1')!;
    expect(before.n).toBeLessThan(ITERS / LOG_EVERY);
    expect(store.getRun(runId)!.status).not.toBe('finished');
    store.close();

    // Server back (same port, same database), then sync the spool.
    server = await startServeProcess({ db, token: TOKEN, port });
    const wrong = await workbench(['sync', spool, `tracking.uri=${server.url}`], { WORKBENCH_TOKEN: 'not-the-token' });
    expect(wrong.code).toBe(2);
    expect(wrong.out).toMatch(/refused the token \(401: wrong token\)/);

    const synced = await workbench(['sync', spool, `tracking.uri=${server.url}`]);
    expect(synced.code, synced.out).toBe(0);
    const m = /(\d+) records, (\d+) applied, (\d+) already on the server, 0 refused/.exec(synced.out);
    expect(m, synced.out).not.toBeNull();
    const summary = defined(m, 'the sync summary');
    const [records, applied, duplicates] = [Number(summary[1]), Number(summary[2]), Number(summary[3])];
    expect(applied).toBeGreaterThan(0); // the part written while the server was down
    expect(duplicates).toBeGreaterThan(0); // the part it already had: skipped by idempotency keys
    expect(applied + duplicates).toBe(records);

    const after = openStore(db);
    const run = after.getRun(runId)!;
    expect(run.status).toBe('finished');
    const expected = Array.from({ length: ITERS / LOG_EVERY }, (_, i) => (i + 1) * LOG_EVERY);
    for (const key of ['G_L1', 'D', 'lr']) {
      expect(after.metricSeries(runId, key, { maxPoints: 10_000 }).points.map((p) => p.step)).toEqual(expected);
    }
    const rows = storeDatabase(after).prepare('SELECT count(*) FROM metric_points p JOIN metric_series s ON s.id = p.series_id WHERE s.run_id = ? AND s.key = ?').pluck().get(runId, 'G_L1');
    expect(rows).toBe(expected.length);
    after.close();

    // Syncing again changes nothing.
    const again = await workbench(['sync', spool, `tracking.uri=${server.url}`]);
    expect(again.out).toContain(`${records} records, 0 applied, ${records} already on the server`);
  });

  it('the ingest API refuses a missing or wrong token (401), a server without a token (403), a bad record (400)', async () => {
    const url = server!.url;
    const post = (base: string, body: unknown, token?: string) =>
      fetch(`${base}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    expect((await post(url, [])).status).toBe(401);
    expect((await post(url, [], 'wrong-token-xyz')).status).toBe(401);
    expect(await (await post(url, [], TOKEN)).json()).toEqual({ applied: 0, duplicates: 0, records: 0 });
    const bad = await post(url, [{ op: 'metrics', runId: 'no-such-run', points: [{ key: 'x', step: 1, value: 1 }] }], TOKEN);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/no-such-run/);

    const store = openStore(join(dir, 'open.db'));
    const open = await startServer({ store, host: '127.0.0.1', port: 0, log: () => {} });
    try {
      const refused = await post(open.url, []);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: string }).error).toMatch(/serve\.token/);
    } finally {
      await open.close();
      store.close();
    }
  });
});
