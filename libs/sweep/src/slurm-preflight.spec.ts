// launcher=slurm where Slurm cannot be used: the sweep says so in one line BEFORE it records or
// submits anything (no sweep left `running` with queued jobs that have no Slurm id). The Slurm
// commands are the real ones where installed (Debian slurm-client; .ci/run installs it).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type TrackingStore } from '@workbench/tracking';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLauncher } from './create-launcher.js';
import { planSweep } from './plan-sweep.js';
import { resumeSweep, runSweep } from './run-sweep.js';

const squeueInstalled = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v squeue && command -v sbatch && command -v scancel && command -v scontrol'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
/** The repository's config groups (launcher=slurm is experiments/launcher/slurm.yaml). */
const experimentsDir = fileURLToPath(new URL('../../../experiments', import.meta.url));
const noSlurm = squeueInstalled ? null : 'the Slurm client commands are not installed (apt-get install slurm-client)';

let dir: string;
let store: TrackingStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweep-slurm-preflight-'));
  mkdirSync(join(dir, 'empty'));
  store = openStore(join(dir, 'wb.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A 2-job launcher=slurm sweep run with this environment; returns the error it failed with. */
async function sweepWith(env: NodeJS.ProcessEnv): Promise<Error> {
  const plan = planSweep(['launcher=slurm', 'seed=0,1', `tracking.db=${join(dir, 'wb.db')}`, `train.runs_dir=${join(dir, 'runs')}`], {
    experimentsDir,
    cwd: dir,
    env: {},
  });
  return runSweep(plan, { store, launcher: createLauncher(plan.settings.launcher), cwd: dir, env }).then(
    () => new Error('the sweep ran'),
    (err: Error) => err,
  );
}

function expectNothingRecorded(): void {
  expect(store.listSweeps().total).toBe(0);
  expect(existsSync(join(dir, 'runs'))).toBe(false); // no sweep folder, no sbatch script
}

describe('launcher=slurm preflight: a one-line reason before anything is recorded', () => {
  it('Slurm commands not on PATH', async () => {
    const err = await sweepWith({ PATH: join(dir, 'empty') });
    expect(err.name).toBe('SlurmCommandError');
    expect(err.message).toBe(
      "launcher=slurm needs the Slurm client commands, and 'sbatch', 'squeue', 'scancel', 'scontrol' are not on PATH: run the sweep on a cluster login node (or install them: apt-get install slurm-client)",
    );
    expectNothingRecorded();
  });

  it.skipIf(noSlurm !== null || existsSync('/etc/slurm/slurm.conf'))(
    `SLURM_CONF not set (and no /etc/slurm/slurm.conf): says to export it${noSlurm ? ` (SKIPPED: ${noSlurm})` : ''}`,
    async () => {
      const err = await sweepWith({ PATH: process.env.PATH });
      expect(err.message).toMatch(
        /^launcher=slurm: Slurm does not answer \(squeue: fatal: Could not establish a configuration source\) and SLURM_CONF is not set: export SLURM_CONF=<the cluster's slurm\.conf> \(tools\/slurm\/local-cluster\.sh start DIR prints it\), or run on a login node where Slurm is configured$/,
      );
      expect(err.message).not.toContain('\n');
      expectNothingRecorded();
    },
  );

  it.skipIf(noSlurm !== null)(`SLURM_CONF names a missing file: says so without asking squeue (which retries for 60 s)${noSlurm ? ` (SKIPPED: ${noSlurm})` : ''}`, async () => {
    const conf = join(dir, 'nowhere', 'slurm.conf');
    const err = await sweepWith({ PATH: process.env.PATH, SLURM_CONF: conf });
    expect(err.message).toBe(`launcher=slurm: SLURM_CONF=${conf} does not exist: export SLURM_CONF=<the cluster's slurm.conf> (tools/slurm/local-cluster.sh start DIR prints it)`);
    expectNothingRecorded();
  });

  it.skipIf(noSlurm !== null)(`a slurm.conf whose slurmctld is not running: Slurm does not answer, start it${noSlurm ? ` (SKIPPED: ${noSlurm})` : ''}`, async () => {
    // A port nothing listens on (taken from the kernel, then released).
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const conf = join(dir, 'slurm.conf');
    writeFileSync(conf, `ClusterName=down\nSlurmctldHost=localhost\nSlurmctldPort=${port}\nNodeName=localhost CPUs=1 State=UNKNOWN\nPartitionName=debug Nodes=localhost Default=YES\n`);
    const err = await sweepWith({ PATH: process.env.PATH, SLURM_CONF: conf });
    expect(err.message).toMatch(
      new RegExp(
        `^launcher=slurm: Slurm does not answer with SLURM_CONF=${conf} \\(.*Unable to contact slurm controller.*\\): start its slurmctld \\(tools/slurm/local-cluster\\.sh start DIR for a local one\\) or export SLURM_CONF=<a running cluster's slurm\\.conf>$`,
      ),
    );
    expectNothingRecorded();
  });

  it('resume checks first too: the sweep and its jobs stay as they were', async () => {
    store.createSweep({ id: 'sw', status: 'failed', launcher: { type: 'slurm' } });
    store.addSweepJobs('sw', [0, 1].map((index) => ({ jobId: `j${index}`, index, overrides: ['launcher=slurm', `seed=${index}`], status: 'running' as const })));
    store.updateSweepJob('sw', 'j0', { status: 'finished' });
    store.updateSweepJob('sw', 'j1', { status: 'failed', exitReason: 'workbench: out of disk' });
    const launcher = createLauncher(planSweep(['launcher=slurm'], { experimentsDir, cwd: dir, env: {} }).settings.launcher);
    const err = await resumeSweep('sw', { store, launcher, cwd: dir, env: { PATH: join(dir, 'empty') } }).then(
      () => new Error('resumed'),
      (e: Error) => e,
    );
    expect(err.message).toMatch(/^launcher=slurm needs the Slurm client commands, and .* not on PATH/);
    const after = store.getSweep('sw')!;
    expect(after.status).toBe('failed');
    expect(after.jobs.map((j) => [j.status, j.exitReason])).toEqual([
      ['finished', null],
      ['failed', 'workbench: out of disk'],
    ]);
  });
});
