// Start the dashboard on host:port. Binding anything but loopback requires a token: the API can
// read every run and write judgments, so it is never exposed unauthenticated.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { openStore, type TrackingStore } from '@workbench/tracking';
import { createServer, type CreateServerOptions, type DashboardApp } from './create-server.js';
import { isLoopbackHost } from './security.js';

export class ServeConfigError extends Error {
  override name = 'ServeConfigError';
}

export interface StartServerOptions extends Omit<CreateServerOptions, 'store'> {
  /** An open store, or the database path to open. */
  store?: TrackingStore;
  dbPath?: string;
  host?: string;
  /** 0 = any free port. */
  port?: number;
}

export interface RunningServer {
  url: string;
  /** The URL to open in a browser (carries ?token= once, which becomes a cookie). */
  openUrl: string;
  host: string;
  port: number;
  server: Server;
  dashboard: DashboardApp;
  store: TrackingStore;
  close(): Promise<void>;
}

export function checkServeOptions(host: string, token: string | undefined): void {
  if (!isLoopbackHost(host) && !token) {
    throw new ServeConfigError(`refusing to bind ${host} without a token: anyone who can reach it could read every run. Set serve.token=<secret> (or WORKBENCH_TOKEN), or bind serve.host=127.0.0.1`);
  }
  if (token !== undefined && token !== '' && token.length < 8) throw new ServeConfigError('serve.token is too short: use at least 8 characters (e.g. `openssl rand -hex 16`)');
}

export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token || undefined;
  checkServeOptions(host, token);
  const ownStore = !opts.store;
  const store = opts.store ?? openStore(opts.dbPath);
  const dashboard = createServer({ ...opts, token, store });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = dashboard.app.listen(opts.port ?? 7860, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${port}`;
  return {
    url,
    openUrl: token ? `${url}/?token=${encodeURIComponent(token)}` : `${url}/`,
    host,
    port,
    server,
    dashboard,
    store,
    async close() {
      dashboard.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownStore) store.close();
    },
  };
}
