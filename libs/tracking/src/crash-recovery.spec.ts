// kill -9 of a real writer process: the run is `crashed` at the first read (its pid on this host is gone), resumes
// right away, re-logs from its checkpoint and finishes with a gap-free series.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, type TempStore } from '../test/temp-store.js';

const libDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
const script = join(libDir, 'test', 'crash-writer.ts');

let t: TempStore;
beforeEach(() => (t = tempStore()));
afterEach(() => t.cleanup());

function writer(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', script, t.path, ...args], { cwd: libDir, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('crash and resume', () => {
  it('kill -9 -> crashed -> resume -> finished, no missing or duplicated step', async () => {
    const child = writer(['run-x', '0', 'forever', 'new']);
    let lastFlushed = -1;
    await new Promise<void>((res, rej) => {
      child.stderr.on('data', (d) => rej(new Error(String(d))));
      child.stdout.on('data', (d: Buffer) => {
        for (const m of String(d).matchAll(/flushed (\d+)/g)) lastFlushed = Number(m[1]);
        if (lastFlushed >= 150) {
          child.kill('SIGKILL');
          res();
        }
      });
    });
    await new Promise((res) => child.on('exit', res));

    // No exit was recorded, but the writer ran on this host and its pid is gone: crashed at once.
    const crashed = t.store.getRun('run-x')!;
    expect(crashed.status).toBe('crashed');
    expect(crashed.exitReason).toMatch(/^its process \d+ on .* is gone and recorded no exit/);
    const [stored] = t.store.metricSummaries(['run-x']);
    if (!stored) throw new Error('run-x has no metric summary');
    expect(stored.lastStep).toBeGreaterThanOrEqual(150);

    // The last checkpoint was 37 steps before the crash: resume re-logs from there.
    const from = stored.lastStep - 37;
    const again = writer(['run-x', String(from), '300', 'resume']);
    let err = '';
    again.stderr.on('data', (d) => (err += d));
    const code = await new Promise((res) => again.on('exit', res));
    expect(err).toBe('');
    expect(code).toBe(0);

    const run = t.store.getRun('run-x')!;
    expect([run.status, run.resumes, run.exitReason]).toEqual(['finished', 1, null]);
    const series = t.store.metricSeries('run-x', 'G_L1', { maxPoints: 1000 });
    expect(series.points.map((p) => p.step)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(t.store.metricSummaries(['run-x'])[0]).toMatchObject({ n: 300, lastStep: 299, last: 1 / 300 });
  });
});
