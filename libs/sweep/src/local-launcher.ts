// Jobs as child processes on this machine, `workers` at a time. Each child gets its own process
// group (so a terminal Ctrl-C reaches only the runner, which then stops the children exactly
// once with SIGTERM, and SIGKILL after a grace period or a second Ctrl-C).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JobSpec, LaunchControl, LaunchHooks, Launcher } from './launcher.js';
import { SweepError } from './sweep-error.js';
import { RUN_ID_FILE_ENV } from './run-report.js';

export interface LocalLauncherOptions {
  workers: number;
  /** After SIGTERM, how long a job may take to checkpoint before SIGKILL. */
  killGraceMs?: number;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole group: the job and anything it spawned
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

export class LocalLauncher implements Launcher {
  readonly name = 'local';
  readonly workers: number;
  private readonly killGraceMs: number;

  constructor(opts: LocalLauncherOptions) {
    // Checked here, not clamped: NaN workers would start nothing and wait forever.
    if (!Number.isInteger(opts.workers) || opts.workers < 1) {
      throw new SweepError(`local launcher: ${String(opts.workers)} parallel jobs is not valid: use a whole number >= 1 (--jobs, launcher.jobs)`);
    }
    this.workers = opts.workers;
    this.killGraceMs = opts.killGraceMs ?? 60_000;
  }

  describe(): Record<string, unknown> {
    return { type: 'local', workers: this.workers };
  }

  run(jobs: JobSpec[], hooks: LaunchHooks, control: LaunchControl = {}): Promise<void> {
    const queue = [...jobs];
    const running = new Map<ChildProcess, JobSpec>();
    let stopping = control.stop?.aborted ?? false;
    let killTimer: NodeJS.Timeout | undefined;

    // If the runner itself dies, take the (detached) children down with it.
    const onExit = () => {
      for (const child of running.keys()) signalGroup(child, 'SIGKILL');
    };
    process.on('exit', onExit);

    return new Promise<void>((resolve) => {
      const finishIfDone = () => {
        if (running.size > 0 || (queue.length > 0 && !stopping)) return false;
        if (killTimer) clearTimeout(killTimer);
        process.off('exit', onExit);
        control.stop?.removeEventListener('abort', onStop);
        control.kill?.removeEventListener('abort', onKill);
        resolve();
        return true;
      };

      const onStop = () => {
        if (stopping) return;
        stopping = true;
        for (const child of running.keys()) signalGroup(child, 'SIGTERM');
        killTimer = setTimeout(onKill, this.killGraceMs);
        killTimer.unref();
        finishIfDone();
      };
      const onKill = () => {
        stopping = true;
        for (const child of running.keys()) signalGroup(child, 'SIGKILL');
      };
      control.stop?.addEventListener('abort', onStop);
      control.kill?.addEventListener('abort', onKill);

      const startNext = () => {
        while (!stopping && running.size < this.workers && queue.length > 0) launch(queue.shift() as JobSpec);
        finishIfDone();
      };

      const launch = (job: JobSpec) => {
        mkdirSync(dirname(job.logPath), { recursive: true });
        const log = createWriteStream(job.logPath, { flags: 'a' });
        const startedAt = Date.now();
        log.write(`# ${new Date(startedAt).toISOString()} ${job.argv.map((a) => JSON.stringify(a)).join(' ')}\n`);
        let child: ChildProcess;
        try {
          const [command, ...args] = job.argv;
          if (command === undefined) throw new Error('the job has no command (empty argv)');
          child = spawn(command, args, { cwd: job.cwd, env: { ...job.env, [RUN_ID_FILE_ENV]: job.runIdFile }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        } catch (err) {
          log.end();
          hooks.onEnd(job, { exitCode: null, signal: null, stopped: false, spawnError: (err as Error).message, startedAt, endedAt: Date.now() });
          return;
        }
        running.set(child, job);
        let spawnError: string | undefined;
        let pending = '';
        const onData = (chunk: Buffer) => {
          log.write(chunk);
          if (!hooks.onOutput) return;
          pending += chunk.toString('utf8');
          const lines = pending.split(/\r?\n|\r/);
          pending = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) hooks.onOutput(job, line);
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        child.on('error', (err) => {
          spawnError = err.message;
        });
        child.on('spawn', () => hooks.onStart?.(job, { pid: child.pid }));
        child.on('close', (code, signal) => {
          running.delete(child);
          log.end();
          hooks.onEnd(job, { exitCode: code, signal, stopped: stopping, spawnError, startedAt, endedAt: Date.now() });
          startNext();
        });
      };

      if (control.stop?.aborted) onStop();
      startNext();
    });
  }
}
