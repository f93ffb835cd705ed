// The Slurm side of `workbench sweep` through the real CLI, without a cluster: `sweep run
// launcher=slurm` where Slurm does not answer, and `sweep cancel` of a sweep that has finished.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '@workbench/tracking';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onPath } from '../../test/support/slurm-available.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** `workbench ...` with this environment (SLURM_CONF never inherited from the test's). */
function workbench(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  delete base.SLURM_CONF;
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/workbench.js'), ...args], { cwd: ROOT, env: { ...base, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const slurmInstalled = onPath('squeue');

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-sweep-slurm-cli-'));
  db = join(dir, 'wb.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('workbench sweep run launcher=slurm without a reachable Slurm', () => {
  it('says in one line what is missing and how to set it, and records nothing', async () => {
    const res = await workbench(['sweep', 'run', 'launcher=slurm', 'seed=0,1', `tracking.db=${db}`, `train.runs_dir=${join(dir, 'runs')}`]);
    expect(res.code, res.stderr).toBe(2);
    const lines = res.stderr.trim().split('\n');
    expect(lines, res.stderr).toHaveLength(1);
    // Where Slurm is installed but not configured (the new user's case), the fix is SLURM_CONF.
    expect(lines[0]).toMatch(
      slurmInstalled && !existsSync('/etc/slurm/slurm.conf')
        ? /^workbench: launcher=slurm: Slurm does not answer \(.*\) and SLURM_CONF is not set: export SLURM_CONF=<the cluster's slurm\.conf>/
        : /^workbench: launcher=slurm/,
    );
    expect(res.stderr).not.toContain('internal error');
    const store = openStore(db);
    expect(store.listSweeps().total).toBe(0); // no sweep left `running` with queued jobs
    store.close();
    expect(existsSync(join(dir, 'runs'))).toBe(false);
  });
});

describe('workbench sweep cancel', () => {
  it('of a finished sweep changes nothing, says so, and does not suggest resume', async () => {
    const store = openStore(db);
    store.createSweep({ id: 'sweep-done', status: 'finished', launcher: { type: 'slurm' } });
    store.addSweepJobs('sweep-done', [0, 1, 2].map((index) => ({ jobId: `j${index}`, index, overrides: ['launcher=slurm', `seed=${index}`], status: 'running' as const })));
    for (const index of [0, 1, 2]) store.updateSweepJob('sweep-done', `j${index}`, { status: 'finished', slurmJobId: '41', slurmArrayTaskId: index });
    store.close();

    const one = await workbench(['sweep', 'cancel', 'sweep-done', '--job', '1', `tracking.db=${db}`]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.trim()).toBe('sweep sweep-done: nothing to cancel (job 1 already finished)');
    const all = await workbench(['sweep', 'cancel', 'sweep-done', `tracking.db=${db}`]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim()).toBe('sweep sweep-done: nothing to cancel');

    const after = openStore(db);
    expect(after.getSweep('sweep-done')!.jobs.map((j) => j.status)).toEqual(['finished', 'finished', 'finished']);
    after.close();
  });
});
