// tools/slurm/local-cluster.sh when `start` cannot work: it says why on stderr and leaves no
// daemon of its folder running. (Starting and stopping a working cluster is what
// slurm-e2e.spec.ts does.)
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localCluster, slurmSkipReason } from './support/slurm-available.js';

const asRoot = process.getuid?.() === 0;
let dir = '';

/** Pids of processes whose command line mentions `path` (the daemons get their files there). */
function processesMentioning(path: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(path)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

afterEach(() => {
  // After a failure: stop what the script left behind (only processes of this test's folder).
  if (!dir) return;
  for (const pid of processesMentioning(dir)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('tools/slurm/local-cluster.sh start', () => {
  it('as another user than root: exits 3 with one line saying it needs root, starts nothing', () => {
    dir = mkdtempSync(join(tmpdir(), 'wb-local-cluster-'));
    chmodSync(dir, 0o777);
    const clusterDir = join(dir, 'cluster');
    // As root, drop to `nobody` (the situation of a new user); otherwise we already are one.
    // `nobody` runs a copy in the world-readable temp folder: the checkout itself may sit below a
    // folder only its owner can enter (a clone under `mktemp -d`, a 0700 home).
    const script = join(dir, 'local-cluster.sh');
    copyFileSync(localCluster, script);
    chmodSync(script, 0o755);
    const [cmd, args] = asRoot
      ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', script, 'start', clusterDir]]
      : [script, ['start', clusterDir]];
    const res = spawnSync(cmd, args, { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(3);
    expect(res.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^local-cluster: must run as root .*; try: sudo .*local-cluster\.sh start /)]);
    expect(processesMentioning(clusterDir)).toEqual([]);
    expect(existsSync(clusterDir)).toBe(false);
  });

  it.skipIf(slurmSkipReason !== null)(`start then stop leaves no daemon running${slurmSkipReason ? ` (SKIPPED: ${slurmSkipReason})` : ''}`, () => {
    dir = mkdtempSync(join(tmpdir(), 'wb-local-cluster-'));
    const clusterDir = join(dir, 'cluster');
    const start = spawnSync(localCluster, ['start', clusterDir], { encoding: 'utf8', timeout: 120_000 });
    expect(start.status, start.stderr).toBe(0);
    expect(start.stdout.trim()).toBe(`local-cluster: up; now: export SLURM_CONF=${clusterDir}/slurm.conf`);
    expect(processesMentioning(clusterDir).length).toBeGreaterThanOrEqual(3); // munged, slurmctld, slurmd
    // Right after `scontrol shutdown` the Slurm daemons remove their pid files while stop reads
    // them; that used to end the script before it reached munged.
    const stop = spawnSync(localCluster, ['stop', clusterDir], { encoding: 'utf8', timeout: 120_000 });
    expect(stop.status, stop.stderr).toBe(0);
    expect(processesMentioning(clusterDir)).toEqual([]);
  });

  it.skipIf(slurmSkipReason !== null)(
    `a daemon that dies (slurmctld: port taken): exits 4 with its log's last lines and stops munged${slurmSkipReason ? ` (SKIPPED: ${slurmSkipReason})` : ''}`,
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'wb-local-cluster-'));
      const clusterDir = join(dir, 'cluster');
      // The script derives slurmctld's port from the folder (20000 + cksum % 20000): hold it.
      const cksum = Number(execFileSync('sh', ['-c', 'printf %s "$1" | cksum', 'sh', clusterDir], { encoding: 'utf8' }).split(' ')[0]);
      const port = 20000 + (cksum % 20000);
      const blocker: Server = createServer();
      await new Promise<void>((resolve, reject) => blocker.once('error', reject).listen(port, '127.0.0.1', resolve));
      try {
        const res = spawnSync(localCluster, ['start', clusterDir], { encoding: 'utf8', timeout: 120_000 });
        expect(res.status, res.stderr).toBe(4);
        expect(res.stderr).toMatch(/^local-cluster: slurmctld (exited after starting|is not running)/);
        expect(res.stderr).toContain(`--- last lines of ${clusterDir}/log/slurmctld.log:`);
        expect(res.stderr).toContain('Address already in use');
        expect(res.stderr).toContain('stopped the daemons it had started');
        // munged and slurmd were started before slurmctld died: none of them is left.
        expect(readFileSync(join(clusterDir, 'log', 'munged.log'), 'utf8')).toMatch(/Starting munge/i);
        expect(processesMentioning(clusterDir)).toEqual([]);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
  );
});
