// launcher=slurm end to end on a REAL single-node Slurm (tools/slurm/local-cluster.sh: munged,
// slurmctld and slurmd as root, state in a temp folder), with the jobs reporting to a real
// `workbench serve` over HTTP (tracking.uri + token), exactly as on a cluster:
//   a 3-job sweep = one job array (throttle %2) -> one job is cancelled by Slurm while running
//   (SIGTERM: it checkpoints, ends `killed`), another is preempted-and-requeued by Slurm (its
//   next attempt continues the same run from its checkpoint) -> `sweep resume` submits an array
//   of just the cancelled index, which continues from the checkpoint -> every job finished,
//   every metric step exactly once.
// Skips (with the reason printed) only where Slurm is not installed or we are not root; CI
// (.ci/run) installs slurm-wlm and munge and runs as root.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openStore, type TrackingStore } from '@workbench/tracking';
import { repoRoot, startServeProcess, workbenchBin, type ServeProcess } from './support/serve-process.js';
import { localCluster, slurmSkipReason } from './support/slurm-available.js';
import { defined } from './support/defined.ts';

const run = promisify(execFile);
const TOKEN = 'slurm-e2e-token-1234';
const ITERS = 60;
const LOG_EVERY = 5;

const skipReason = slurmSkipReason;
if (skipReason) console.warn(`SKIPPED slurm end-to-end test: ${skipReason}`);

let dir = '';
let clusterDir = '';
let env: NodeJS.ProcessEnv = {};
let server: ServeProcess | undefined;

const children = new Set<ReturnType<typeof spawn>>();

function workbench(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [workbenchBin, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function waitFor<T>(what: string, fn: () => T | undefined | null | false, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Has SIGTERM reached this (stopped) process: pending for it, or it runs again (slurmd sends
 * SIGCONT right before SIGTERM) or is gone? Read from /proc/<pid>/status (SIGTERM = bit 14).
 */
function sigtermArrived(pid: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return true; // exited
  }
  if (/^State:\s+[^T]/m.test(status)) return true;
  const pending = [...status.matchAll(/^(?:SigPnd|ShdPnd):\s+([0-9a-f]+)$/gm)].map((m) => BigInt(`0x${m[1]}`));
  return pending.some((mask) => (mask & (1n << 14n)) !== 0n);
}

beforeAll(async () => {
  if (skipReason) return;
  dir = mkdtempSync(join(tmpdir(), 'wb-slurm-'));
  clusterDir = join(dir, 'cluster');
  await run(localCluster, ['start', clusterDir], { timeout: 90_000 });
  env = {
    ...process.env,
    SLURM_CONF: join(clusterDir, 'slurm.conf'),
    WORKBENCH_TOKEN: TOKEN, // jobs get the token from the environment (sbatch exports it), never from the script
    WORKBENCH_SLURM_POLL_MS: '1000',
    WORKBENCH_SLURM_DEBUG: '1', // the launcher's view of every poll, in the runner output (shown on failure)
    WORKBENCH_BACKEND: 'wasm',
  };
  server = await startServeProcess({ db: join(dir, 'wb.db'), token: TOKEN, env });
}, 300_000); // cluster + server start: seconds when quiet, minutes on a loaded machine

afterAll(async () => {
  // After a failure: stop our runner processes and every job of this private cluster first.
  for (const c of children) c.kill('SIGKILL');
  if (clusterDir) {
    await run('scancel', ['--full', '--signal=KILL', '--user=root'], { env }).catch(() => undefined);
    await run('scancel', ['--user=root'], { env }).catch(() => undefined);
    // let slurmd finish the cancelled steps before it is stopped (no orphaned slurmstepd)
    for (let i = 0; i < 40; i++) {
      const left = await run('squeue', ['-h', '-t', 'all', '-o', '%T'], { env }).then((r) => r.stdout, () => '');
      if (!/RUNNING|COMPLETING|PENDING/.test(left)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  await server?.stop();
  if (clusterDir) await run(localCluster, ['stop', clusterDir], { timeout: 180_000 }).catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 300_000); // a loaded machine: stopping the jobs, the server and the daemons takes minutes, not seconds

describe('launcher=slurm end to end', () => {
  it.skipIf(skipReason !== null)(
    `a 3-job sweep runs as one job array reporting over HTTP; cancelled and requeued jobs checkpoint and continue; all finished${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`,
    async () => {
      const db = join(dir, 'wb.db');
      const runsDir = join(dir, 'runs');
      const common = [
        'launcher=slurm',
        'launcher.cpus_per_task=1',
        'launcher.max_parallel=2',
        'launcher.mem=',
        'launcher.time=',
        'data.crop_size=32',
        'data.train_size=16',
        'data.test_size=4',
        'model.ndf=4',
        'model.nef=4',
        `train.iters=${ITERS}`,
        `train.log_every=${LOG_EVERY}`,
        'train.checkpoint_every=10',
        'train.display_every=1000',
        `tracking.db=${db}`,
        `tracking.uri=${server!.url}`,
        `train.runs_dir=${runsDir}`,
      ];
      const sweepRun = workbench(['sweep', 'run', 'model.ngf=4,6,8', ...common]);

      const store: TrackingStore = await waitFor('the sweep record', () => (existsSync(db) ? openStore(db) : null));
      try {
        const sweepId = await waitFor('the sweep', () => store.listSweeps().sweeps[0]?.id);
        const job1 = await waitFor('job 1 submitted', () => store.getSweep(sweepId)?.jobs.find((j) => j.index === 1 && j.slurmJobId));
        const arr = job1.slurmJobId!;
        // Each interruption below acts on a job that provably is still training: at the first
        // checkpoint of its run (step 10 of ITERS; from there on the trainer handles SIGTERM) the
        // test freezes the job's trainer (SIGSTOP, same machine), asks Slurm to cancel or requeue
        // it, waits until Slurm's SIGTERM is pending (or Slurm continued the process itself, as
        // slurmd does before it signals a job), and only then lets it go on (SIGCONT). So however
        // slow the machine, the SIGTERM lands right after the step the trainer was frozen at.
        const frozenAtCheckpoint = async (index: number) => {
          const r = await waitFor(`job ${index} checkpointed`, () => {
            const jobId = store.getSweep(sweepId)?.jobs[index]?.jobId;
            if (jobId === undefined) return undefined;
            const x = store.listRuns({ sweepId }).runs.find((y) => y.jobId === jobId);
            return x && store.listArtifacts(x.id, { kind: 'checkpoint' }).length > 0 ? x : undefined;
          });
          expect(r.host).toBe(hostname());
          process.kill(r.pid!, 'SIGSTOP');
          return r;
        };
        const continueAfterSigterm = async (pid: number) => {
          await waitFor(`SIGTERM for the frozen trainer ${pid}`, () => sigtermArrived(pid));
          try {
            process.kill(pid, 'SIGCONT');
          } catch {
            // Slurm continued it and it has already exited
          }
        };
        // Cancel job 1 through Slurm: Slurm SIGTERMs it like a preemption; it checkpoints, ends killed.
        const cancelJob1 = async () => {
          const r = await frozenAtCheckpoint(1);
          const cancel = await workbench(['sweep', 'cancel', sweepId, '--job', '1', `tracking.db=${db}`]);
          expect(cancel.out).toContain(`cancelled ${arr}_1`);
          await continueAfterSigterm(r.pid!);
          return r;
        };
        // Preempt job 0 the way PreemptMode=REQUEUE does: Slurm SIGTERMs it and queues it again;
        // the next attempt continues the same run from its checkpoint (no resume needed).
        const requeueJob0 = async () => {
          const r = await frozenAtCheckpoint(0);
          await run('scontrol', ['requeue', `${arr}_0`], { env });
          await continueAfterSigterm(r.pid!);
          // PENDING again = the killed attempt is over: slurmd has revoked its credential and
          // cleaned up (the controller requeues it only after slurmd reported the epilog).
          const pendingAt = await waitFor(
            'job 0 back to PENDING after requeue',
            () => execFileSync('squeue', ['-h', '-j', `${arr}_0`, '-o', '%T'], { env, encoding: 'utf8' }).trim() === 'PENDING' && Date.now(),
          );
          // Slurm delays requeued jobs (BeginTime); start it now. slurmd refuses a launch whose
          // credential is not newer than the revocation of the killed attempt, both in whole
          // seconds: so ask in the second after the one PENDING was seen in (at most 1 s away).
          await waitFor('the second after the requeue', () => Math.floor(Date.now() / 1000) > Math.floor(pendingAt / 1000), 5_000);
          await run('scontrol', ['update', `jobid=${arr}_0`, 'StartTime=now'], { env });
          return r;
        };
        const [run1, run0] = await Promise.all([cancelJob1(), requeueJob0()]);

        const first = await sweepRun;
        expect(first.code, first.out).toBe(1); // not all finished: job 1 was killed
        const afterFirst = store.getSweep(sweepId)!;
        const diag = () => {
          const sweep = store.getSweep(sweepId)!;
          const jobsDir = join(sweep.sweepDir!, 'jobs');
          const logs = readdirSync(jobsDir).map((f) => `--- ${f}\n${readFileSync(join(jobsDir, f), 'utf8').slice(-1500)}`);
          const slurmDir = join(sweep.sweepDir!, 'slurm');
          const outs = readdirSync(slurmDir).filter((f) => f.endsWith('.out')).map((f) => `--- ${f}\n${readFileSync(join(slurmDir, f), 'utf8').slice(-800)}`);
          let ctl = '';
          try {
            ctl = execFileSync('scontrol', ['show', 'job', '-o'], { env, encoding: 'utf8' }) + readFileSync(join(clusterDir, 'log', 'slurmd.log'), 'utf8').slice(-3000);
          } catch (err) {
            ctl = String(err);
          }
          return [first.out, JSON.stringify(sweep.jobs, null, 1), JSON.stringify(store.listRuns({ sweepId }).runs.map((r) => [r.id, r.jobId, r.status])), ...logs, ...outs, ctl].join('\n');
        };
        expect(afterFirst.jobs.map((j) => j.runStatus ?? j.status), diag()).toEqual(['finished', 'killed', 'finished']);
        expect(afterFirst.jobs.every((j) => j.runId !== null), diag()).toBe(true);
        const killed = store.getRun(run1.id)!;
        expect(killed.status).toBe('killed');
        expect(killed.exitReason).toMatch(/^SIGTERM at step \d+/);
        const killedAt = Number(/step (\d+)/.exec(killed.exitReason!)![1]);
        expect(killedAt).toBeLessThan(ITERS);

        // Resume: an array of just index 1, continuing run 1 from its checkpoint.
        const resumed = await workbench(['sweep', 'resume', sweepId, `tracking.db=${db}`]);
        expect(resumed.code, resumed.out).toBe(0);
        const done = store.getSweep(sweepId)!;
        expect(done.jobs.map((j) => j.runStatus), `${diag()}\n${resumed.out}`).toEqual(['finished', 'finished', 'finished']);
        expect(done.jobs.map((j) => j.status)).toEqual(['finished', 'finished', 'finished']);

        // Slurm ids per job: jobs 0 and 2 from the first array, job 1 from the resume array.
        const [j0, j1, j2] = [defined(done.jobs[0], 'job 0'), defined(done.jobs[1], 'job 1'), defined(done.jobs[2], 'job 2')];
        expect(j0.slurmJobId).toBe(job1.slurmJobId);
        expect(j2.slurmJobId).toBe(job1.slurmJobId);
        expect(j1.slurmJobId).toMatch(/^\d+$/);
        expect(j1.slurmJobId).not.toBe(job1.slurmJobId);
        expect(done.jobs.map((j) => j.slurmArrayTaskId)).toEqual([0, 1, 2]);
        expect(j1.runId).toBe(run1.id); // the same run continued, not a new one

        // The generated scripts are in the sweep folder.
        const slurmDir = join(done.sweepDir!, 'slurm');
        const scripts = readdirSync(slurmDir).filter((f) => f.endsWith('.sbatch')).sort();
        expect(scripts).toEqual(['array-1.sbatch', 'array-2.sbatch']);
        const script1 = readFileSync(join(slurmDir, 'array-1.sbatch'), 'utf8');
        expect(script1).toContain('#SBATCH --array=0-2%2');
        expect(script1).toContain('#SBATCH --cpus-per-task=1');
        expect(script1).not.toContain(TOKEN);
        const script2 = readFileSync(join(slurmDir, 'array-2.sbatch'), 'utf8');
        expect(script2).toContain('#SBATCH --array=1%2');
        expect(script2).toContain(`resume=${run1.id}`);

        // Run 0 (requeued): the same run continued by Slurm's second attempt, from its checkpoint.
        expect(j0.runId).toBe(run0.id);
        const final0 = store.getRun(run0.id)!;
        expect(final0.resumes).toBe(1);
        const trainLog0 = readFileSync(join(runsDir, run0.id, 'train.log'), 'utf8');
        expect(trainLog0).toMatch(/killed: SIGTERM at step \d+[\s\S]*resumed from checkpoints\/step-\d+ \(step \d+\)/);
        const requeuedAt = Number(/killed: SIGTERM at step (\d+)/.exec(trainLog0)![1]);
        expect(requeuedAt).toBeLessThan(ITERS);
        expect(trainLog0).toContain(`resumed from checkpoints/step-${String(requeuedAt).padStart(7, '0')} (step ${requeuedAt})`);
        // How much room the interruptions had (the soak loop, tools/slurm/soak-e2e.sh, collects these lines).
        console.log(`slurm-e2e: job 0 requeued at step ${requeuedAt}/${ITERS}, job 1 cancelled at step ${killedAt}/${ITERS}`);
        const jobLog0 = readFileSync(join(done.sweepDir!, 'jobs', readdirSync(join(done.sweepDir!, 'jobs')).find((f) => f.startsWith('000-'))!), 'utf8');
        expect(jobLog0).toContain(`requeued by Slurm: continuing run ${run0.id}`);

        // Run 1: resumed once from the checkpoint of the step it was killed at; no step missing or twice.
        const final1 = store.getRun(run1.id)!;
        expect(final1.resumes).toBe(1);
        const trainLog = readFileSync(join(runsDir, run1.id, 'train.log'), 'utf8');
        expect(trainLog).toMatch(new RegExp(`killed: SIGTERM at step ${killedAt}`));
        expect(trainLog).toContain(`resumed from checkpoints/step-${String(killedAt).padStart(7, '0')} (step ${killedAt})`);
        const expectedSteps = Array.from({ length: ITERS / LOG_EVERY }, (_, i) => (i + 1) * LOG_EVERY);
        // A run stopped by SIGTERM also logs the steps since its last point, at the step it stopped at.
        const stoppedAt = new Map([[run0.id, requeuedAt], [run1.id, killedAt]]);
        for (const j of done.jobs) {
          const series = store.metricSeries(j.runId!, 'G_L1', { maxPoints: 10_000 });
          const stop = stoppedAt.get(j.runId!);
          const steps = stop === undefined || stop % LOG_EVERY === 0 ? expectedSteps : [...expectedSteps, stop].sort((a, b) => a - b);
          expect(series.points.map((p) => p.step)).toEqual(steps);
          const r = store.getRun(j.runId!)!;
          expect(r.host).toBe(hostname()); // recorded by the job, not by the server
          expect((r.config.serve as { token: string }).token).toBe(''); // the token never lands in the database
        }
        const jobLog = readFileSync(join(done.sweepDir!, 'jobs', readdirSync(join(done.sweepDir!, 'jobs')).find((f) => f.startsWith('001-'))!), 'utf8');
        expect(jobLog).toContain('the run stopped on SIGTERM (Slurm cancel, preemption or time limit)');

        // `sweep status` merges the database with Slurm (no slurmdbd here: scontrol fallback, said so).
        const status = await workbench(['sweep', 'status', sweepId, `tracking.db=${db}`]);
        expect(status.out).toContain('Slurm:');
        expect(status.out).toMatch(new RegExp(`${j1.slurmJobId}_1\\s+COMPLETED\\s+0\\s+finished\\s+finished`));
        expect(status.out).toContain('sacct unavailable');

        // sbatch refusing the script (no such partition): one line, and nothing half-submitted:
        // the sweep is `failed`, its jobs `pending` without a Slurm id (resume submits them).
        const refused = await workbench(['sweep', 'run', 'model.ngf=4,6', ...common, 'launcher.partition=nosuch']);
        expect(refused.code, refused.out).toBe(2);
        expect(refused.out).toMatch(/^workbench: sbatch --parsable \S+array-1\.sbatch: sbatch: error: .*partition/im);
        expect(refused.out).not.toContain('internal error');
        const other = store.listSweeps().sweeps.find((s) => s.id !== sweepId)!;
        const refusedSweep = store.getSweep(other.id)!;
        expect(refusedSweep.status).toBe('failed');
        expect(refusedSweep.jobs.map((j) => [j.status, j.slurmJobId])).toEqual([
          ['pending', null],
          ['pending', null],
        ]);
      } finally {
        store.close();
      }
    },
    1_200_000, // ~2 min on 2 quiet cores; 9 min measured at load average 50 on 2 cores
  );
});
