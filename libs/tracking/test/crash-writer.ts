// A training-like writer for the crash test: logs one point per step with heartbeats.
//   node --import tsx test/crash-writer.ts <db> <runId> <fromStep> <toStep|forever> <new|resume>
// Prints `flushed <step>` after each flushed batch; with a finite end it finishes the run.
import { sleepSync } from '../src/busy-retry.js';
import { openStore } from '../src/open-store.js';

const [dbPath, runId, fromArg, toArg, mode] = process.argv.slice(2);
if (!dbPath || !runId || !fromArg || !toArg || !mode) throw new Error('usage: crash-writer.ts <db> <runId> <fromStep> <toStep|forever> <new|resume>');
const store = openStore(dbPath);
if (mode === 'new') store.createRun({ id: runId, method: 'bicyclegan', config: { seed: 0 } });
else store.resumeRun(runId);
const writer = store.metricWriter(runId, { flushEvery: 10, flushMs: 0 });
const to = toArg === 'forever' ? Infinity : Number(toArg);
for (let step = Number(fromArg); step < to; step++) {
  writer.point('G_L1', step, 1 / (step + 1));
  store.heartbeat(runId);
  if (writer.buffered === 0) process.stdout.write(`flushed ${step}\n`);
  sleepSync(1);
}
await writer.close();
store.finishRun(runId, 'finished');
store.close();
