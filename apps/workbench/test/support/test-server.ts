// A real dashboard on 127.0.0.1 (free port) over a freshly seeded SQLite file in a temp folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server/index.js';
import { seedDashboard, type SeededDashboard } from './seed-dashboard.js';

export interface TestDashboard {
  seeded: SeededDashboard;
  server: RunningServer;
  url: string;
  cleanup(): Promise<void>;
}

export async function startTestDashboard(opts: Omit<StartServerOptions, 'store'> = {}): Promise<TestDashboard> {
  const dir = mkdtempSync(path.join(tmpdir(), 'wb-dashboard-'));
  const seeded = await seedDashboard(dir);
  const server = await startServer({ host: '127.0.0.1', port: 0, pollMs: 200, log: () => {}, ...opts, store: seeded.store });
  return {
    seeded,
    server,
    url: server.url,
    async cleanup() {
      await server.close();
      seeded.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
