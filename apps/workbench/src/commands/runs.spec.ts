// `workbench runs` end to end: a real SQLite file seeded through the store, the real CLI.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '@workbench/tracking';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'workbench-runs-cli-'));
const db = join(tmp, 'wb.db');
const workbench = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin/workbench.js'), ...args, `tracking.db=${db}`], { cwd: ROOT });
const ids = { done: '', bad: '', lost: '' }; // set in beforeAll

beforeAll(() => {
  const store = openStore(db);
  const config = { seed: 0, method: 'bicyclegan', model: { nz: 8 } };
  const done = store.createRun({ name: 'ok', method: 'bicyclegan', config });
  store.finishRun(done.id, 'finished');
  const bad = store.createRun({ name: 'nan', method: 'cvae_gan', config: { ...config, method: 'cvae_gan' } });
  store.finishRun(bad.id, 'failed', 'loss G_L1 is NaN at step 12');
  // A run whose process vanished: its heartbeat is old and no exit was recorded.
  const lost = store.createRun({ name: 'lost', method: 'bicyclegan', config, at: Date.now() - 3_600_000 });
  ids.done = done.id;
  ids.bad = bad.id;
  ids.lost = lost.id;
  store.close();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('workbench runs', () => {
  it('lists every run with its state, marking a stale heartbeat as crashed, and shows failure reasons', async () => {
    const { stdout } = await workbench('runs');
    const line = (id: string) => stdout.split('\n').find((l) => l.startsWith(id)) ?? '';
    expect(line(ids.done)).toMatch(/finished\s+bicyclegan\s+ok/);
    expect(line(ids.bad)).toMatch(/failed\s+cvae_gan\s+nan .*loss G_L1 is NaN at step 12/);
    expect(line(ids.lost)).toMatch(/crashed\s+bicyclegan\s+lost/);
    expect(stdout).toContain('workbench train resume=<id>');
  });

  it('filters by status and prints JSON', async () => {
    const { stdout } = await workbench('runs', '--status', 'failed,crashed', '--json');
    const parsed = JSON.parse(stdout) as { total: number; runs: Array<{ id: string; status: string }> };
    expect(parsed.total).toBe(2);
    expect(parsed.runs.map((r) => r.id).sort()).toEqual([ids.bad, ids.lost].sort());
  });

  it('rejects an unknown status with the allowed values', async () => {
    const err = await workbench('runs', '--status', 'done').then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr.trim()).toBe('workbench: --status done: use one or more of running, finished, failed, killed, crashed (comma-separated)');
  });

  it('lists, tables and deletes nothing where no database exists, and creates none', async () => {
    const none = join(tmp, 'elsewhere', 'none.db');
    for (const args of [['runs'], ['runs', 'delete', ids.done, '--yes'], ['sweep', 'list'], ['table', 'sw-1']]) {
      const err = await run(process.execPath, [join(ROOT, 'bin/workbench.js'), ...args, `tracking.db=${none}`], { cwd: ROOT }).then(
        () => undefined,
        (e: { code?: number; stderr: string }) => e,
      );
      expect(err?.code, args.join(' ')).toBe(2);
      expect(err?.stderr.trim()).toBe(`workbench: no tracking database at ${none}: nothing was recorded there yet; train a run first (workbench train), or point --db (WORKBENCH_DB, tracking.db) at your database`);
    }
    expect(existsSync(join(tmp, 'elsewhere'))).toBe(false);
  });
});
