// Live updates over Server-Sent Events. One poller per server (not per client) checks SQLite's
// `PRAGMA data_version`, which changes exactly when ANOTHER connection commits (trainers, sweep
// jobs); writes made through this server call `notifyChange` directly. On a change it finds the
// runs touched since the last tick and broadcasts `{runIds, sweeps, global}`.
import type { Request, Response } from 'express';
import type { TrackingStore } from '@workbench/tracking';

/** The `change` event of /api/events: runs touched since the last tick, whether sweeps changed,
 *  and `global` for changes not tied to a listed run (the dashboard's JSDoc imports it through
 *  ui/api-payloads.d.ts). */
export interface LiveChange {
  at: number;
  runIds: string[];
  sweeps: boolean;
  global: boolean;
}

export interface LiveFeed {
  handler: (req: Request, res: Response) => void;
  notify: (runIds: string[] | null) => void;
  close: () => void;
  clients: () => number;
}

export function liveFeed(store: TrackingStore, pollMs = 1500, log: (msg: string) => void = console.error): LiveFeed {
  const clients = new Set<Response>();
  let version = store.externalChangeVersion();
  let since = Date.now();

  const send = (payload: LiveChange) => {
    const text = `event: change\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of clients) res.write(text);
  };

  const tick = () => {
    if (!clients.size || !store.isOpen) return;
    // Stale heartbeats become `crashed` even when nobody writes: check that too.
    const crashed = store.markStaleRunsCrashed();
    const v = store.externalChangeVersion();
    if (v === version && !crashed) return;
    version = v;
    const from = since - 2000; // writers stamp times from their own clock: a little slack
    since = Date.now();
    const { runIds, sweeps: sweepsChanged } = store.changedSince(from);
    // `global`: something changed that is not tied to a listed run (stale runs marked crashed).
    send({ at: since, runIds, sweeps: sweepsChanged, global: crashed > 0 || (runIds.length === 0 && !sweepsChanged) });
  };
  const timer = setInterval(() => {
    try {
      tick();
    } catch (err) {
      // A busy or closed database must not take the server down; the next tick retries.
      log(`live updates: ${(err as Error).message}`);
    }
  }, pollMs);
  timer.unref();
  // Comments keep proxies and browsers from timing the stream out.
  const keepAlive = setInterval(() => {
    for (const res of clients) res.write(': keep-alive\n\n');
  }, 25_000);
  keepAlive.unref();

  return {
    handler(req, res) {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      res.write(`retry: 3000\nevent: hello\ndata: ${JSON.stringify({ at: Date.now() })}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
    },
    notify(runIds) {
      send({ at: Date.now(), runIds: runIds ?? [], sweeps: false, global: runIds === null });
    },
    close() {
      clearInterval(timer);
      clearInterval(keepAlive);
      for (const res of clients) res.end();
      clients.clear();
    },
    clients: () => clients.size,
  };
}
