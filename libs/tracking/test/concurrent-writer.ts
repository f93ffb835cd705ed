// A writer process for the concurrency test: opens the (possibly fresh) database, creates its
// own run, and writes `points` metric points in many small transactions, with heartbeats and
// artifacts in between, as a sweep job would.
//   node --import tsx test/concurrent-writer.ts <db> <label> <points> <flushEvery> <writers>
// All writers wait at a file barrier after opening, so their write phases really overlap.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sleepSync } from '../src/busy-retry.js';
import { openStore } from '../src/open-store.js';

const [dbPath, label, pointsArg, flushArg, writersArg] = process.argv.slice(2);
if (!dbPath || !label) throw new Error('usage: concurrent-writer.ts <db> <label> <points> <flushEvery> <writers>');
const total = Number(pointsArg);
const store = openStore(dbPath);
const run = store.createRun({ id: `run-${label}`, method: 'bicyclegan', config: { seed: 0, label } });
const barrier = join(dirname(dbPath), 'barrier');
writeFileSync(`${barrier}-${label}`, '');
const deadline = Date.now() + 60_000;
while (readdirSync(dirname(dbPath)).filter((f) => f.startsWith('barrier-')).length < Number(writersArg)) {
  if (Date.now() > deadline || !existsSync(dbPath)) throw new Error('barrier timeout');
  sleepSync(5);
}
const t0 = Date.now();
const writer = store.metricWriter(run.id, { flushEvery: Number(flushArg), flushMs: 0 });
const keys = ['G_GAN', 'G_L1', 'D'];
let step = 0;
for (let i = 0; i < total; i += keys.length) {
  for (const key of keys) if (i + keys.indexOf(key) < total) writer.point(key, step, step * 0.001);
  if (step % 100 === 0) {
    store.heartbeat(run.id);
    store.addArtifact(run.id, { kind: 'train_grid', step, path: `images/step-${step}.png` });
  }
  step++;
}
await writer.close();
store.finishRun(run.id, 'finished');
store.close();
process.stdout.write(JSON.stringify({ label, steps: step, writeMs: Date.now() - t0 }) + '\n');
