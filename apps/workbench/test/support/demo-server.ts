// Seed a demo database and serve it: for working on the UI by hand.
//   node bin/run-ts.js apps/workbench/test/support/demo-server.ts [folder] [port]
import { mkdirSync, rmSync } from 'node:fs';
import { startServer } from '../../src/server/index.js';
import { seedDashboard } from './seed-dashboard.js';

const dir = process.argv[2] ?? '/tmp/workbench-demo';
const port = Number(process.argv[3] ?? 7861);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const t0 = Date.now();
const seeded = await seedDashboard(dir);
console.log(`seeded ${dir} in ${Date.now() - t0} ms`);
const server = await startServer({ store: seeded.store, port, pollMs: 1000 });
console.log(`demo dashboard: ${server.openUrl}`);
