// The client against a real HTTP server and a real SQLite store (test/ingest-test-server.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendSpool, type RunRecorder } from '@workbench/tracking';
import { startIngestTestServer, type IngestTestServer } from '../test/ingest-test-server.js';
import { RemoteTrackingClient, SPOOL_FILE_NAME } from './remote-tracking-client.js';
import { RemoteTrackingError } from './remote-tracking-error.js';
import { syncSpool } from './sync-spool.js';

const TOKEN = 'client-test-token';
let srv: IngestTestServer;
beforeEach(async () => (srv = await startIngestTestServer(TOKEN)));
afterEach(async () => srv.cleanup());

const fast = { batchDelayMs: 20, confirmTimeoutMs: 1500, closeTimeoutMs: 3000, backoff: { baseMs: 20, maxMs: 200 }, log: () => {} };

/** A run as the trainer writes it: create, metrics, an artifact, heartbeats, finish. */
async function trainLike(client: RemoteTrackingClient, runDir: string, steps: number, between?: (step: number) => Promise<void>): Promise<string> {
  const { id } = await client.createRun({ method: 'bicyclegan', config: { seed: 0, serve: { token: TOKEN, port: 1 } }, runDir });
  const w = client.metricWriter(id);
  for (let s = 1; s <= steps; s++) {
    w.log(s, { G_L1: 1 / s, D: s });
    client.heartbeat(id);
    if (s % 50 === 0) client.addArtifact(id, { kind: 'checkpoint', path: `checkpoints/step-${s}`, step: s });
    await between?.(s);
  }
  await w.close();
  client.finishRun(id, 'finished');
  return id;
}

describe('RemoteTrackingClient', () => {
  it('is a RunRecorder: a run lands in the server database in batches, exactly once; the spool is removed', async () => {
    const client = new RemoteTrackingClient({ uri: srv.uri, token: TOKEN, maxBatchRecords: 40, ...fast });
    const sink: RunRecorder = client; // the trainer's interface (compile-time check)
    expect(sink.path).toBe(srv.uri);
    const runDir = join(srv.dir, 'runs', 'a');
    const id = await trainLike(client, runDir, 200);
    const res = await client.close();
    expect(res.pendingBytes).toBe(0);
    expect(existsSync(join(runDir, SPOOL_FILE_NAME))).toBe(false);

    const run = srv.store.getRun(id)!;
    expect(run.status).toBe('finished');
    expect((run.config.serve as { token: string }).token).toBe(''); // never stored
    const g = srv.store.metricSeries(id, 'G_L1', { maxPoints: 1000 });
    expect(g.points.map((p) => p.step)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(srv.store.listArtifacts(id, { kind: 'checkpoint' })).toHaveLength(4);
    expect((await client.getRun(id))?.id).toBe(id);
    expect(await client.getRun('no-such-run')).toBeUndefined();
    await srv.stop();
    setTimeout(() => void srv.restart(), 300); // resume while the server restarts: retried
    expect((await client.getRun(id))?.status).toBe('finished');
  });

  it('retries 503s with backoff without duplicating anything', async () => {
    const client = new RemoteTrackingClient({ uri: srv.uri, token: TOKEN, ...fast });
    srv.failNext(3);
    const id = await trainLike(client, join(srv.dir, 'runs', 'b'), 30);
    await client.close();
    expect(srv.posts).toBeGreaterThanOrEqual(4);
    expect(srv.store.metricSummaries([id]).find((m) => m.key === 'D')).toMatchObject({ n: 30, last: 30 });
    expect(srv.store.getRun(id)!.status).toBe('finished');
  });

  it('refuses to start with a wrong token (fatal, not retried)', async () => {
    const client = new RemoteTrackingClient({ uri: srv.uri, token: 'wrong-token', ...fast });
    const t0 = Date.now();
    await expect(client.createRun({ method: 'bicyclegan', config: {}, runDir: join(srv.dir, 'runs', 'c') })).rejects.toThrow(/refused the token \(401/);
    expect(Date.now() - t0).toBeLessThan(1400);
    await client.close();
    expect(srv.store.listRuns({}).total).toBe(0);
  });

  it('rejects a URI that is not http(s) up front', () => {
    expect(() => new RemoteTrackingClient({ uri: 'ftp://x', token: TOKEN })).toThrow(RemoteTrackingError);
  });

  it('server down mid-run: records wait in the spool and are uploaded when it is back', async () => {
    const logs: string[] = [];
    const client = new RemoteTrackingClient({ uri: srv.uri, token: TOKEN, ...fast, log: (m) => logs.push(m) });
    const id = await trainLike(client, join(srv.dir, 'runs', 'd'), 120, async (s) => {
      if (s === 40) await srv.stop();
      if (s === 80) await new Promise((r) => setTimeout(r, 300)); // some failed attempts while down
      if (s === 100) await srv.restart();
    });
    const res = await client.close();
    expect(res.pendingBytes).toBe(0);
    expect(srv.store.metricSeries(id, 'G_L1', { maxPoints: 1000 }).points).toHaveLength(120);
    expect(srv.store.getRun(id)!.status).toBe('finished');
    expect(logs.join('\n')).toMatch(/unreachable[\s\S]*reachable again/);
  });

  it('run ends while the server is down: the spool stays, sync uploads it once; resync is all duplicates', async () => {
    const logs: string[] = [];
    const client = new RemoteTrackingClient({ uri: srv.uri, token: TOKEN, ...fast, closeTimeoutMs: 300, log: (m) => logs.push(m) });
    const runDir = join(srv.dir, 'runs', 'e');
    const id = await trainLike(client, runDir, 90, async (s) => {
      if (s === 30) await srv.stop();
    });
    const res = await client.close();
    const spool = join(runDir, SPOOL_FILE_NAME);
    expect(res.pendingBytes).toBeGreaterThan(0);
    expect(logs.join('\n')).toContain(`workbench sync ${spool}`);
    expect(srv.store.getRun(id)!.status).toBe('running');

    await srv.restart();
    const first = await syncSpool(spool, srv.uri, TOKEN);
    expect(first.applied).toBeGreaterThan(0);
    expect(first.duplicates).toBeGreaterThan(0);
    expect(first.applied + first.duplicates).toBe(first.records);
    expect(srv.store.metricSeries(id, 'G_L1', { maxPoints: 1000 }).points.map((p) => p.step)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    expect(srv.store.getRun(id)!.status).toBe('finished');
    const second = await syncSpool(spool, srv.uri, TOKEN);
    expect(second).toMatchObject({ applied: 0, duplicates: first.records, rejected: 0 });
  });

  it('sync isolates a record the server refuses and applies the rest of its batch', async () => {
    const client = new RemoteTrackingClient({ uri: srv.uri, token: TOKEN, ...fast, closeTimeoutMs: 200, keepSpool: true });
    const runDir = join(srv.dir, 'runs', 'f');
    const id = await trainLike(client, runDir, 10);
    await client.close();
    const spool = join(runDir, SPOOL_FILE_NAME);
    // a record for a run the server does not know, in the middle of the spool
    appendSpool(spool, [{ op: 'heartbeat', runId: 'ghost', at: 1, key: 'x:1' }, { op: 'setTags', runId: id, tags: ['synced'], key: 'x:2' }]);
    const r = await syncSpool(spool, srv.uri, TOKEN);
    expect(r.rejected).toBe(1);
    expect(r.firstRejection).toMatch(/ghost/);
    expect(srv.store.getRun(id)!.tags).toEqual(['synced']);
    expect(readFileSync(`${spool}.rejected`, 'utf8')).toContain('"runId":"ghost"');
    await expect(syncSpool(join(runDir, 'missing.jsonl'), srv.uri, TOKEN)).rejects.toThrow(/no spool file/);
  });
});
