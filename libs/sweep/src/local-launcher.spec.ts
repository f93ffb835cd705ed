import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobOutcome, JobSpec } from './launcher.js';
import { LocalLauncher } from './local-launcher.js';
import { SweepError } from './sweep-error.js';

const program = fileURLToPath(new URL('../test/fixtures/sleepy-job.mjs', import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sweep-launcher-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const job = (name: string, sleepMs: number, exitCode = 0, index = 0): JobSpec => ({
  sweepId: 's',
  jobId: name,
  index,
  overrides: [],
  argv: [process.execPath, program, dir, name, String(sleepMs), String(exitCode)],
  cwd: dir,
  env: process.env,
  logPath: join(dir, 'logs', `${name}.log`),
  runIdFile: join(dir, 'logs', `${name}.run-id`),
});

async function runAll(launcher: LocalLauncher, jobs: JobSpec[], control = {}) {
  const ends = new Map<string, JobOutcome>();
  const started: string[] = [];
  await launcher.run(jobs, { onStart: (j) => started.push(j.jobId), onEnd: (j, o) => ends.set(j.jobId, o) }, control);
  return { ends, started };
}

describe('LocalLauncher', () => {
  it('refuses a worker count that is not a whole number >= 1 (NaN would start nothing and hang)', () => {
    for (const workers of [Number.NaN, 0, -1, 1.5, Infinity]) {
      expect(() => new LocalLauncher({ workers })).toThrow(SweepError);
      expect(() => new LocalLauncher({ workers })).toThrow(/parallel jobs is not valid: use a whole number >= 1/);
    }
    expect(new LocalLauncher({ workers: 3 }).describe()).toEqual({ type: 'local', workers: 3 });
  });

  it('runs jobs `workers` at a time and logs their output', async () => {
    const jobs = ['a', 'b', 'c', 'd'].map((n, i) => job(n, 1500, 0, i));
    const { ends } = await runAll(new LocalLauncher({ workers: 2 }), jobs);
    expect([...ends.values()].every((o) => o.exitCode === 0 && !o.stopped)).toBe(true);
    const spans = ['a', 'b', 'c', 'd'].map((n) => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')) as { start: number; end: number });
    // At any job's start, at most 2 jobs are running.
    for (const s of spans) {
      const overlapping = spans.filter((o) => o.start <= s.start && o.end > s.start).length;
      expect(overlapping).toBeLessThanOrEqual(2);
    }
    // ... and 2 did overlap (parallelism really happened).
    expect(spans.some((s) => spans.filter((o) => o !== s && o.start < s.end && o.end > s.start).length > 0)).toBe(true);
    expect(readFileSync(join(dir, 'logs', 'a.log'), 'utf8')).toContain('job a started');
  });

  it('keeps going when a job fails', async () => {
    const { ends } = await runAll(new LocalLauncher({ workers: 1 }), [job('ok1', 50), job('bad', 50, 3, 1), job('ok2', 50, 0, 2)]);
    expect(ends.get('bad')?.exitCode).toBe(3);
    expect(ends.get('ok1')?.exitCode).toBe(0);
    expect(ends.get('ok2')?.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'logs', 'bad.log'), 'utf8')).toContain('failed on purpose');
  });

  it('reports a missing executable as a spawn error, not a crash of the sweep', async () => {
    const broken = { ...job('x', 10), argv: [join(dir, 'no-such-binary')] };
    const { ends } = await runAll(new LocalLauncher({ workers: 1 }), [broken, job('y', 10, 0, 1)]);
    expect(ends.get('x')?.spawnError).toMatch(/ENOENT/);
    expect(ends.get('y')?.exitCode).toBe(0);
  });

  it('stops cleanly: running jobs get SIGTERM, queued jobs never start', async () => {
    const stop = new AbortController();
    const launcher = new LocalLauncher({ workers: 1 });
    const jobs = [job('long', 30_000), job('never', 10, 0, 1)];
    const started: string[] = [];
    const ends = new Map<string, JobOutcome>();
    const done = launcher.run(
      jobs,
      {
        onStart: (j) => started.push(j.jobId),
        // Stop once the job says it runs (its SIGTERM handler is installed by then).
        onOutput: (_j, line) => {
          if (line.includes('started')) stop.abort();
        },
        onEnd: (j, o) => ends.set(j.jobId, o),
      },
      { stop: stop.signal },
    );
    await done;
    expect(started).toEqual(['long']);
    expect(ends.get('long')).toMatchObject({ exitCode: 143, stopped: true });
    expect(existsSync(join(dir, 'long.term'))).toBe(true);
    expect(ends.has('never')).toBe(false);
  });

  it('kills with SIGKILL when asked to', async () => {
    const kill = new AbortController();
    const stubborn = { ...job('stubborn', 10), argv: [process.execPath, '-e', "process.on('SIGTERM',()=>{}); setInterval(()=>{},1000)"] };
    setTimeout(() => kill.abort(), 300);
    const { ends } = await runAll(new LocalLauncher({ workers: 1 }), [stubborn], { kill: kill.signal });
    expect(ends.get('stubborn')?.signal).toBe('SIGKILL');
  });
});
