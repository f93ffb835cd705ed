// A real HTTP server with the remote-tracking contract of `workbench serve` (POST /api/ingest ->
// store.ingest, GET /api/ingest/runs/:id, Bearer token), over a real SQLite store, plus knobs to
// make it fail: answer 503 the next N times, or go down and come back on the same port.
// (The app's own route is tested end to end in apps/workbench/test/remote-tracking-e2e.spec.ts.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, TrackingInputError, type TrackingRecord, type TrackingStore } from '@workbench/tracking';

export interface IngestTestServer {
  store: TrackingStore;
  dir: string;
  uri: string;
  /** POSTs received (including failed ones). */
  posts: number;
  /** Answer 503 to the next n POSTs. */
  failNext(n: number): void;
  stop(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startIngestTestServer(token: string): Promise<IngestTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'remote-tracking-'));
  const store = openStore(join(dir, 'wb.db'));
  let fail = 0;
  let port = 0;
  let server: Server;
  const state = { posts: 0 };

  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: 'wrong token' });
    const [, runId] = /^\/api\/ingest\/runs\/([^/]+)$/.exec(req.url ?? '') ?? [];
    if (req.method === 'GET' && runId !== undefined) {
      const row = store.getRun(decodeURIComponent(runId));
      return row ? send(200, { run: row }) : send(404, { error: 'no such run', run: null });
    }
    if (req.method !== 'POST' || req.url !== '/api/ingest') return send(404, { error: 'not found' });
    state.posts++;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (fail > 0) {
        fail--;
        return send(503, { error: 'busy' });
      }
      try {
        send(200, store.ingest(JSON.parse(body) as TrackingRecord[]));
      } catch (err) {
        send(err instanceof TrackingInputError ? 400 : 500, { error: (err as Error).message });
      }
    });
  };

  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer(handler);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen();
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  return {
    store,
    dir,
    uri: `http://127.0.0.1:${port}`,
    get posts() {
      return state.posts;
    },
    failNext: (n) => (fail = n),
    stop,
    restart: listen,
    async cleanup() {
      await stop().catch(() => undefined);
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  } as IngestTestServer;
}
