// Run lifecycle from the CLI, end to end: a real SQLite file with a sweep, runs and run folders,
// the real `workbench` process archiving, restoring and deleting them.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '@workbench/tracking';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'workbench-lifecycle-'));
const db = join(tmp, 'wb.db');
const workbench = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin/workbench.js'), '--db', db, ...args], { cwd: tmp });
const fails = (...args: string[]) => workbench(...args).then(
  () => expect.unreachable(),
  (err: { code: number; stdout: string; stderr: string }) => err,
);
const ids = { s0: '', s1: '', solo: '' }; // set in beforeAll
// Every test runs the CLI several times; on a shared 2-core machine one start can take 30 s (the
// shared 600 s hang timeout of vitest.shared.ts covers that).

beforeAll(() => {
  const store = openStore(db);
  store.createSweep({ id: 'sw-1', name: 'seeds' });
  store.addSweepJobs('sw-1', [0, 1].map((seed) => ({ jobId: `job-${seed}`, index: seed, overrides: [`seed=${seed}`], status: 'running' as const })));
  for (const seed of [0, 1] as const) {
    const r = store.createRun({ name: `seed${seed}`, method: 'bicyclegan', config: { seed }, sweepId: 'sw-1', jobId: `job-${seed}` });
    const dir = join(tmp, 'runs', r.id); // the run layout: <train.runs_dir>/<run id>
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    writeFileSync(join(dir, 'train.log'), 'x\n');
    store.finishRun(r.id, 'finished');
    store.updateSweepJob('sw-1', `job-${seed}`, { runId: r.id, status: 'finished' });
    ids[`s${seed}`] = r.id;
  }
  ids.solo = store.createRun({ name: 'solo', method: 'cvae_gan', config: { seed: 3 } }).id; // still running
  store.close();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('workbench runs archive|restore|delete', () => {
  it('archives out of the default listing and restores', async () => {
    expect((await workbench('runs', 'archive', ids.s0)).stdout).toBe('archived 1 of 1 runs\n');
    const listed = (await workbench('runs')).stdout;
    expect(listed).not.toContain(ids.s0);
    expect(listed).toContain(ids.s1);
    expect((await workbench('runs', '--archived')).stdout).toContain(ids.s0);
    expect((await workbench('runs', 'restore', ids.s0)).stdout).toBe('restored 1 of 1 runs\n');
    expect((await workbench('runs')).stdout).toContain(ids.s0);
    const unknown = await fails('runs', 'archive', 'no-such-run');
    expect(unknown.stderr).toBe(`workbench: no run no-such-run in ${db}: nothing was changed (see: workbench runs --all)\n`);
  });

  it('deletes only with --yes, refuses a running run, and sends the sweep job back to pending', async () => {
    const dry = await fails('runs', 'delete', ids.s1, '--files');
    expect(dry.code).toBe(1);
    expect(dry.stdout).toMatch(new RegExp(`would delete:\\n {2}run .* \\(seed1, finished\\) and .*runs/${ids.s1}\\nnothing was changed: add --yes to delete`));
    expect(existsSync(join(tmp, 'runs', ids.s1))).toBe(true);

    // A live run heartbeats (the CLI starts slowly here; without this the run could look stale).
    const writer = openStore(db);
    writer.heartbeat(ids.solo);
    writer.close();
    const live = await fails('runs', 'delete', ids.solo, '--yes');
    expect(live.stderr).toBe(`workbench: run ${ids.solo} is still running: stop it first (nothing was changed)\n`);

    expect((await workbench('runs', 'delete', ids.s1, '--yes', '--files')).stdout).toBe('deleted 1 runs and 1 run folders\n');
    expect(existsSync(join(tmp, 'runs', ids.s1))).toBe(false);
    const store = openStore(db, { readonly: true });
    expect(store.getRun(ids.s1)).toBeUndefined();
    expect(store.getRun(ids.solo)?.status).toBe('running');
    const job = store.getSweep('sw-1')!.jobs.find((j) => j.jobId === 'job-1')!;
    expect([job.status, job.runId, job.exitReason]).toEqual(['pending', null, `its run ${ids.s1} was deleted`]);
    store.close();
  });
});

describe('workbench sweep archive|restore|delete', () => {
  it('archives a sweep with its runs, restores it, deletes it with its runs', async () => {
    expect((await workbench('sweep', 'archive', 'sw-1')).stdout).toBe('archived sweep sw-1 and its 1 runs\n');
    expect((await workbench('sweep', 'list')).stdout).not.toContain('sw-1');
    expect((await workbench('sweep', 'list', '--all')).stdout).toContain('sw-1');
    expect((await workbench('runs', '--archived')).stdout).toContain(ids.s0);
    await workbench('sweep', 'restore', 'sw-1');
    expect((await workbench('sweep', 'list')).stdout).toContain('sw-1');

    expect((await fails('sweep', 'delete', 'sw-1', '--files')).stderr).toBe('workbench: --files needs --runs: run folders are removed only with their runs\n');
    expect((await workbench('sweep', 'delete', 'sw-1', '--yes', '--runs', '--files')).stdout).toBe('deleted sweep sw-1, 1 runs, 1 run folders\n');
    const store = openStore(db, { readonly: true });
    expect(store.getSweep('sw-1')).toBeUndefined();
    expect(store.getRun(ids.s0)).toBeUndefined();
    expect(existsSync(join(tmp, 'runs', ids.s0))).toBe(false);
    store.close();
  });
});
