// Dashboard API at volume: 10,000 runs and ~1,000,000 metric points written through the tracking
// API into a real SQLite file, then the pages' API calls timed against a real server.
//
//   node bin/run-ts.js apps/workbench/test/bench/dashboard-volume.bench.ts [--runs 10000] [--json]
//
// Targets (a page must feel instant): every call answers in < 500 ms on a 2-core machine (the
// runs-table page in < 250 ms), except grouping all 10k runs (< 600 ms: it lists every run;
// < 800 ms sorted by a metric's mean, which reads every run's last value). Exit code 1 when a target is missed or an answer is wrong.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../../src/server/index.js';
import { seedVolume } from '../support/seed-volume.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
};
const runs = arg('runs', 10_000);
const asJson = process.argv.includes('--json');

const dir = mkdtempSync(path.join(tmpdir(), 'wb-volume-'));
const seeded = seedVolume(path.join(dir, 'workbench.db'), { runs, keys: 4, pointsPerSeries: 20, longPoints: 100_000 });
const server = await startServer({ store: seeded.store, port: 0, log: () => {} });

interface Case {
  name: string;
  path: string;
  targetMs: number;
  check: (body: any) => string | undefined;
}
const cases: Case[] = [
  { name: 'runs table, page 1', path: '/api/runs', targetMs: 250, check: (b) => (b.total === runs + 1 && b.items.length === 50 ? undefined : `total ${b.total}`) },
  { name: 'runs table, page 100', path: '/api/runs?offset=4950', targetMs: 250, check: (b) => (b.items.length === 50 ? undefined : 'short page') },
  { name: 'sort by last loss_D', path: '/api/runs?sort=metric:loss_D&order=asc', targetMs: 500, check: (b) => (b.items[0].metrics.loss_D.last <= b.items[49].metrics.loss_D.last ? undefined : 'not sorted') },
  { name: 'sort by config model.nz', path: '/api/runs?sort=config:model.nz&order=desc', targetMs: 500, check: (b) => (b.items[0].config['model.nz'] === 16 ? undefined : 'not sorted') },
  { name: 'filter config + status + method', path: '/api/runs?config=model.nz%3D8&status=finished&method=cvae_gan', targetMs: 500, check: (b) => (b.items.every((r: any) => r.method === 'cvae_gan') ? undefined : 'filter leaked') },
  { name: 'free-text search', path: '/api/runs?q=tenth', targetMs: 500, check: (b) => (b.total === Math.ceil(runs / 10) ? undefined : `total ${b.total}`) },
  { name: 'group by config ignoring seed', path: '/api/runs/groups', targetMs: 600, check: (b) => (b.total >= runs / 3 && b.items.some((g: any) => g.n === 3 && g.metrics.loss_D?.n === 3) ? undefined : `groups ${b.total}`) },
  { name: 'groups sorted by mean last loss_D', path: '/api/runs/groups?sort=metric:loss_D&order=asc', targetMs: 800, check: (b) => (b.items[0].metrics.loss_D.mean <= b.items[49].metrics.loss_D.mean ? undefined : 'not sorted') },
  { name: 'groups of one sweep-sized slice', path: '/api/runs/groups?method=cvae_gan&config=model.nz%3D8', targetMs: 500, check: (b) => (b.items.every((g: any) => g.method === 'cvae_gan') ? undefined : 'filter leaked') },
  { name: 'run detail', path: '/api/runs/vol-004242', targetMs: 250, check: (b) => (b.run.id === 'vol-004242' ? undefined : 'wrong run') },
  { name: 'long series (2×100k points) downsampled', path: `/api/runs/${seeded.longRunId}/metrics?points=1000`, targetMs: 500, check: (b) => (b.series.every((s: any) => s.steps.length <= 1000 && s.total === 100_000) ? undefined : 'not downsampled') },
  { name: 'compare 8 runs: diff', path: `/api/compare?ids=${Array.from({ length: 8 }, (_, i) => `vol-${String(i * 1000).padStart(6, '0')}`).join(',')}`, targetMs: 250, check: (b) => (b.runs.length === 8 ? undefined : 'runs missing') },
  { name: 'compare 8 runs: bands', path: `/api/compare/bands?ids=${Array.from({ length: 8 }, (_, i) => `vol-${String(i * 18).padStart(6, '0')}`).join(',')}`, targetMs: 500, check: (b) => (b.keys.length === 4 ? undefined : 'keys missing') },
];

const results = [];
let failed = false;
for (const c of cases) {
  await fetch(`${server.url}${c.path}`); // warm the statement cache once
  const times: number[] = [];
  let problem: string | undefined;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const res = await fetch(`${server.url}${c.path}`);
    const body = await res.json();
    times.push(performance.now() - t0);
    problem ??= res.status !== 200 ? `HTTP ${res.status}: ${body.error}` : c.check(body);
  }
  times.sort((a, b) => a - b);
  const median = times[2] ?? Number.NaN; // 5 timings: the middle one
  const ok = !problem && median <= c.targetMs;
  failed ||= !ok;
  results.push({ name: c.name, medianMs: Math.round(median), targetMs: c.targetMs, ok, problem });
}

await server.close();
seeded.store.close();
rmSync(dir, { recursive: true, force: true });

const summary = { runs: runs + 1, metricPoints: seeded.totalPoints, seedSeconds: Number(seeded.seconds.toFixed(1)), results };
if (asJson) console.log(JSON.stringify(summary, null, 2));
else {
  console.log(`dashboard volume: ${summary.runs} runs, ${summary.metricPoints} metric points (seeded in ${summary.seedSeconds} s)`);
  for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'MISS'} ${r.name.padEnd(42)} ${String(r.medianMs).padStart(5)} ms (target ${r.targetMs})${r.problem ? `  ${r.problem}` : ''}`);
}
process.exit(failed ? 1 : 0);
