// The generated sbatch script: directives from launcher.* options, and the per-task supervisor
// run for real with bash (as Slurm would run it, SLURM_* variables set by hand): it runs the
// right job, records the exit code, survives Slurm's SIGTERM to record 143, and turns the
// time-limit warning (USR1) into SIGTERM for the run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { arraySpec, buildSbatchScript, shellQuote, slurmTimeSeconds, type SlurmOptions } from './sbatch-script.js';
import { mergeStatus } from './slurm-launcher.js';

const base: SlurmOptions = { partition: '', time: '', cpus_per_task: 1, gpus_per_task: 0, mem: '', max_parallel: 0, extra: [] };
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sbatch-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('sbatch script', () => {
  it('array ranges, throttle and quoting', () => {
    expect(arraySpec([0, 1, 2, 3])).toBe('0-3');
    expect(arraySpec([5, 1, 2, 9, 3, 10], 2)).toBe('1-3,5,9-10%2');
    expect(arraySpec([4], 3)).toBe('4%3');
    expect(shellQuote('model.nz=8')).toBe('model.nz=8');
    expect(shellQuote("name=it's a run")).toBe(`'name=it'\\''s a run'`);
    expect(shellQuote('$(rm -rf /)')).toBe(`'$(rm -rf /)'`);
  });

  it('directives follow launcher.* (partition, time + checkpoint warning, gpus, mem, extra lines)', () => {
    const script = buildSbatchScript({
      sweepId: 'sweep-x',
      tasks: [0, 1, 2, 5].map((index) => ({ index, argv: ['node', 'wb.js', 'train', `seed=${index}`], logPath: `/s/jobs/${index}.log`, runIdFile: `/s/jobs/${index}.run-id` })),
      cwd: '/work',
      slurmDir: '/s/slurm',
      options: { ...base, partition: 'gpu', time: '04:00:00', gpus_per_task: 1, mem: '16G', max_parallel: 2, extra: ['--account=lab', '#SBATCH --qos=high'] },
    });
    for (const line of [
      '#SBATCH --job-name=wb-sweep-x',
      '#SBATCH --array=0-2,5%2',
      '#SBATCH --output=/s/slurm/slurm-%A_%a.out',
      '#SBATCH --chdir=/work',
      '#SBATCH --cpus-per-task=1',
      '#SBATCH --gpus-per-task=1',
      '#SBATCH --partition=gpu',
      '#SBATCH --time=04:00:00',
      '#SBATCH --signal=B:USR1@120',
      '#SBATCH --mem=16G',
      '#SBATCH --account=lab',
      '#SBATCH --qos=high',
    ]) {
      expect(script).toContain(line);
    }
    const plain = buildSbatchScript({ sweepId: 's', tasks: [{ index: 0, argv: ['x'], logPath: '/l', runIdFile: '/r' }], cwd: '/', slurmDir: '/s', options: base });
    expect(plain).not.toMatch(/#SBATCH --(time|signal|mem|partition|gpus)/);
    // a short limit gets a proportionally short warning (never one that fires at the start)
    const short = (time: string) => buildSbatchScript({ sweepId: 's', tasks: [{ index: 0, argv: ['x'], logPath: '/l', runIdFile: '/r' }], cwd: '/', slurmDir: '/s', options: { ...base, time } });
    expect(short('10')).toContain('#SBATCH --signal=B:USR1@60');
    expect(short('0:30')).not.toContain('#SBATCH --signal');
    expect([slurmTimeSeconds('90'), slurmTimeSeconds('1:30'), slurmTimeSeconds('04:00:00'), slurmTimeSeconds('2-12'), slurmTimeSeconds('1-0:30')]).toEqual([5400, 90, 14400, 216000, 88200]);
    expect(slurmTimeSeconds('soon')).toBeNull();
  });

  /**
   * Resolves once the task's shell has started the run and set its traps (TERM ignored, USR1
   * caught), and the run itself (the shell's child, once it has exec'd `command`) has set its TERM
   * trap: a signal sent before that hits a process that is not listening yet (the stand-in trainer
   * then dies of SIGTERM without "checkpointing": this test failed that way now and then). Read
   * from /proc: status (SigIgn / SigCgt bit masks; bit n-1 for signal n), the shell's children,
   * and their cmdline.
   */
  async function taskReady(pid: number, command: string[]): Promise<void> {
    const has = (status: string, field: string, signal: number) => {
      const m = new RegExp(`^${field}:\\s+([0-9a-f]+)$`, 'm').exec(status);
      return m !== null && (BigInt(`0x${m[1]}`) & (1n << BigInt(signal - 1))) !== 0n;
    };
    const cmdline = `${command.join('\0')}\0`;
    const runListening = (): boolean =>
      readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).some((child) => {
        try {
          return readFileSync(`/proc/${child}/cmdline`, 'utf8') === cmdline && has(readFileSync(`/proc/${child}/status`, 'utf8'), 'SigCgt', 15);
        } catch {
          return false; // the child is gone (or was never the run)
        }
      });
    for (;;) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (has(status, 'SigIgn', 15) && has(status, 'SigCgt', 10) && runListening()) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  function runTask(taskId: number, command: string[], onStart?: (pid: number) => void, restart = 0): Promise<{ code: number | null; exit: string | null; log: string }> {
    const slurmDir = join(dir, 'slurm');
    const tasks = [0, 1].map((index) => ({ index, argv: index === taskId ? command : ['false'], logPath: join(dir, 'jobs', `${index}.log`), runIdFile: join(dir, 'jobs', `${index} run id`) }));
    const path = join(dir, 'array.sbatch');
    writeFileSync(path, buildSbatchScript({ sweepId: 's', tasks, cwd: dir, slurmDir, options: base }));
    return new Promise((resolve) => {
      const env = { ...process.env, SLURM_ARRAY_TASK_ID: String(taskId), SLURM_ARRAY_JOB_ID: '77', SLURM_JOB_ID: '78', SLURM_RESTART_COUNT: String(restart) };
      const child = spawn('bash', [path], { env, stdio: 'ignore' });
      if (onStart) taskReady(child.pid!, command).then(() => onStart(child.pid!), () => undefined); // the shell ended first: the close handler reports it
      child.on('close', (code) => {
        const exitFile = join(slurmDir, 'exit', `77_${taskId}.${restart}`);
        resolve({ code, exit: existsSync(exitFile) ? readFileSync(exitFile, 'utf8').trim() : null, log: readFileSync(join(dir, 'jobs', `${taskId}.log`), 'utf8') });
      });
    });
  }

  it('runs the task of SLURM_ARRAY_TASK_ID and records its exit code', async () => {
    const r = await runTask(1, ['sh', '-c', 'echo "hello from task 1, report to $WORKBENCH_RUN_ID_FILE"; exit 3']);
    expect(r.code).toBe(3);
    expect(r.exit).toBe('3');
    expect(r.log).toContain('slurm job 77_1 (job id 78, restart 0)');
    expect(r.log).toContain(`hello from task 1, report to ${join(dir, 'jobs', '1 run id')}`); // its own report file
  });

  it("Slurm's SIGTERM (cancel, preemption, timeout) reaches the run; the shell records its exit 143", async () => {
    // A stand-in for the trainer: on SIGTERM it "checkpoints" and exits 143.
    const trainer = ['sh', '-c', 'trap "echo checkpointed; exit 143" TERM; while :; do sleep 0.1; done'];
    const r = await runTask(0, trainer, (shellPid) => {
      // Slurm signals every process of the job: the shell and the run.
      spawn('sh', ['-c', `kill -TERM ${shellPid} $(pgrep -P ${shellPid})`]);
    });
    expect(r.exit).toBe('143');
    expect(r.code).toBe(143);
    expect(r.log).toContain('the run stopped on SIGTERM');
    expect(r.log).toContain('checkpointed');
  });

  it('the time-limit warning (USR1 to the shell) becomes SIGTERM for the run', async () => {
    const trainer = ['sh', '-c', 'trap "echo checkpointed; exit 143" TERM; while :; do sleep 0.1; done'];
    const r = await runTask(0, trainer, (shellPid) => process.kill(shellPid, 'SIGUSR1'));
    expect(r.exit).toBe('143');
    expect(r.log).toContain('time limit near');
    expect(r.log).toContain('checkpointed');
  });

  it('a task requeued by Slurm continues the run its previous attempt started', async () => {
    mkdirSync(join(dir, 'jobs'), { recursive: true });
    // what the first attempt printed (the trainer's start line), then it was preempted
    writeFileSync(join(dir, 'jobs', '0.log'), 'run 20261128-084616-6ef4e443\nrun 20261128-084616-6ef4e443 killed: SIGTERM at step 12\n');
    const r = await runTask(0, ['sh', '-c', 'echo "args: $*"', 'train', 'model.nz=8'], undefined, 1);
    expect(r.exit).toBe('0');
    expect(r.log).toContain('requeued by Slurm: continuing run 20261128-084616-6ef4e443');
    expect(r.log).toContain('args: model.nz=8 resume=20261128-084616-6ef4e443');
  });

  it('merges database and Slurm states', () => {
    expect(mergeStatus('queued', 'PENDING')).toBe('queued');
    expect(mergeStatus('queued', 'RUNNING')).toBe('running');
    expect(mergeStatus('running', 'COMPLETED')).toBe('finished'); // runner gone, Slurm knows it ended
    expect(mergeStatus('running', 'TIMEOUT')).toBe('killed');
    expect(mergeStatus('running', 'NODE_FAIL')).toBe('crashed');
    expect(mergeStatus('killed', 'CANCELLED')).toBe('killed');
    expect(mergeStatus('queued', 'CANCELLED')).toBe('pending'); // cancelled before it started
    expect(mergeStatus('running', 'CANCELLED')).toBe('killed');
    expect(mergeStatus('finished', undefined)).toBe('finished');
  });
});
