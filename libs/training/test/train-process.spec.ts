// `workbench train` as a child process, the way users and the sweep runner start it:
// kill -9 -> the store calls the run crashed (its pid on this host is gone); resume -> finished with a
// gap-free metric series; SIGTERM -> killed, exit code 143, with a checkpoint of that step.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointPath, openStore } from '@workbench/tracking';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'bin', 'workbench.js');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'train-process-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Child {
  proc: ChildProcess;
  out: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `workbench train` in a child; `fileSizeKiB` runs it under that RLIMIT_FSIZE (bash `ulimit -f`). */
function train(...args: string[]): Child {
  return trainLimited(undefined, ...args);
}

function trainLimited(fileSizeKiB: number | undefined, ...args: string[]): Child {
  const argv = [BIN, 'train', ...args, `tracking.db=${join(dir, 'wb.db')}`, `train.runs_dir=${join(dir, 'runs')}`, 'backend=wasm', '--progress', 'lines'];
  const proc =
    fileSizeKiB === undefined
      ? spawn(process.execPath, argv, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `ulimit -f ${fileSizeKiB} && exec "$0" "$@"`, process.execPath, ...argv], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => proc.on('exit', (code, signal) => res({ code, signal })));
  return { proc, out: () => out, exit };
}

const SMALL = [
  'data=shapes',
  'data.train_size=100',
  'data.test_size=4',
  'model.ngf=4',
  'model.ndf=4',
  'model.nef=4',
  'train.iters=120',
  'train.log_every=1',
  'train.checkpoint_every=10',
  'train.display_every=1000',
];

async function waitFor(what: string, cond: () => boolean, child: Child, timeoutMs = 90_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (child.proc.exitCode !== null) throw new Error(`train exited before ${what}:\n${child.out()}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}:\n${child.out()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const runIdOf = (out: string): string | undefined => /^run (\S+)$/m.exec(out)?.[1];

describe('workbench train (child process)', () => {
  it('kill -9 -> crashed at once (its pid is gone); resume -> finished with every step logged once', async () => {
    const first = train(...SMALL, 'seed=1');
    await waitFor('the run id', () => runIdOf(first.out()) !== undefined, first);
    const runId = runIdOf(first.out())!;
    const ckpt = join(dir, 'runs', runId, 'checkpoints', 'step-0000010', 'state.json');
    await waitFor('the first checkpoint', () => existsSync(ckpt), first);
    first.proc.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');

    const store = openStore(join(dir, 'wb.db')); // default threshold 300 s
    try {
      // Nobody recorded an exit, but the run's process on this host is gone: crashed at once.
      expect(store.getRun(runId)!.status).toBe('crashed');
      expect(store.getRun(runId)!.exitReason).toMatch(/^its process \d+ on .* is gone and recorded no exit/);

      const second = train(`resume=${runId}`);
      const { code } = await second.exit;
      expect(code, second.out()).toBe(0);
      expect(second.out()).toMatch(new RegExp(`resuming ${runId}`));
      const run = store.getRun(runId)!;
      expect(run.status).toBe('finished');
      expect(run.resumes).toBe(1);
      for (const key of ['G_L1', 'D', 'lr']) {
        const steps = store.metricSeries(runId, key, { maxPoints: 10_000 }).points.map((p) => p.step);
        expect(steps).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      }
    } finally {
      store.close();
    }
  });

  it('a full disk while checkpointing: failed "disk full at <run dir>", one line, no half checkpoint left', async () => {
    // RLIMIT_FSIZE 1 MiB: the database stays below it, the first checkpoint's files do not (EFBIG,
    // what a write past the limit gets; ENOSPC on a full disk takes the same path; checked by
    // hand on a 2 MiB tmpfs, see libs/training/README.md).
    const child = trainLimited(1024, ...SMALL, 'model.ngf=8', 'train.checkpoint_every=3', 'seed=4');
    const { code } = await child.exit;
    const out = child.out();
    expect(code, out).toBe(1);
    const runId = runIdOf(out)!;
    const runDir = join(dir, 'runs', runId);
    expect(out).toContain(`run ${runId} failed: disk full at ${runDir} (EFBIG)\n`);
    expect(out).not.toMatch(/internal error|^\s+at /m);
    expect(readdirSync(join(runDir, 'checkpoints'))).toEqual([]); // the half-written step-0000003.tmp-<pid> is gone
    const store = openStore(join(dir, 'wb.db'));
    try {
      expect([store.getRun(runId)!.status, store.getRun(runId)!.exitReason]).toEqual(['failed', `disk full at ${runDir} (EFBIG)`]);
      expect(store.listArtifacts(runId, { kind: 'checkpoint' })).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('SIGTERM -> killed (exit 143) with a checkpoint of the step it stopped at', async () => {
    const child = train(...SMALL, 'train.iters=400', 'train.checkpoint_every=1000', 'seed=2');
    await waitFor('the run id', () => runIdOf(child.out()) !== undefined, child);
    const runId = runIdOf(child.out())!;
    await waitFor('a few iterations', () => /bicyclegan [1-9]\d*\/400/.test(child.out()), child);
    child.proc.kill('SIGTERM');
    const { code } = await child.exit;
    expect(code, child.out()).toBe(143);
    const store = openStore(join(dir, 'wb.db'));
    try {
      const run = store.getRun(runId)!;
      expect(run.status).toBe('killed');
      const at = Number(/^SIGTERM at step (\d+)$/.exec(run.exitReason ?? '')?.[1]);
      expect(at).toBeGreaterThan(0);
      expect(existsSync(join(dir, 'runs', runId, checkpointPath(at), 'state.json'))).toBe(true);
    } finally {
      store.close();
    }
  });
});
