// A tiny real sweep through the real `workbench train` (32 px, width 4, a few iterations):
// one job succeeds, one fails on a data.root that does not exist yet; after the folder
// appears, `resumeSweep` reruns only the failed job and the sweep is finished.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '@workbench/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLauncher } from './local-launcher.js';
import { planSweep } from './plan-sweep.js';
import { resumeSweep, runSweep } from './run-sweep.js';
import { formatSummary, summaryRows } from './summary-table.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweep-train-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a real sweep of workbench train', () => {
  it('runs, records a failure, resumes to all finished', async () => {
    const db = join(dir, 'wb.db');
    const root = join(dir, 'facades');
    const tiny = ['model.ngf=4', 'model.ndf=4', 'model.nef=4', 'model.nz=2', 'train.iters=4', 'train.log_every=2', 'train.display_every=4', 'train.checkpoint_every=4'];
    const common = [...tiny, `tracking.db=${db}`, `train.runs_dir=${join(dir, 'runs')}`];
    // Job 0: shapes at 32 px. Job 1: an aligned folder that does not exist yet.
    const plan = planSweep(['data=shapes,facades', `data.root=${root}`, 'data.load_size=32', 'data.crop_size=32', ...common], {
      cwd: repo,
      env: {},
    });
    expect(plan.jobs).toHaveLength(2);
    const store = openStore(db);
    const lines: string[] = [];
    const opts = { store, launcher: new LocalLauncher({ workers: 2 }), cwd: repo, log: (l: string) => lines.push(l) };

    const first = await runSweep(plan, opts);
    const [ok, bad] = first.sweep.jobs;
    expect(ok.status).toBe('finished');
    expect(ok.runStatus).toBe('finished');
    expect(bad.status).toBe('failed');
    expect(bad.exitReason).toContain(root);
    expect(first.status).toBe('failed');
    const okRun = store.getRun(ok.runId as string);
    expect(okRun?.sweepId).toBe(first.sweepId);
    expect(okRun?.jobId).toBe(ok.jobId);
    expect(store.metricKeys(ok.runId as string).length).toBeGreaterThan(0);

    mkdirSync(root);
    cpSync(join(repo, 'fixtures', 'facades', 'train'), join(root, 'train'), { recursive: true });
    cpSync(join(repo, 'fixtures', 'facades', 'test'), join(root, 'test'), { recursive: true });
    const second = await resumeSweep(first.sweepId, opts);
    expect(second.ran.map((r) => r.jobId)).toEqual([bad.jobId]);
    expect(second.status).toBe('finished');
    expect(second.sweep.jobs.map((j) => j.runStatus)).toEqual(['finished', 'finished']);
    expect(second.sweep.jobs[0].runId).toBe(ok.runId);
    const table = formatSummary(summaryRows(store, second.sweep));
    expect(table).toMatch(/2 jobs: 2 finished/);
    expect(table).toContain('G_L1');
    store.close();
  });
});
