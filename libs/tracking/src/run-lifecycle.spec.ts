import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempStore, sampleConfig, type TempStore } from '../test/temp-store.js';
import { TrackingInputError } from './errors.js';
import { openStore } from './open-store.js';
import { storeDatabase } from '../test/testing.js';

let t: TempStore;
beforeEach(() => (t = tempStore({ staleAfterSeconds: 60 })));
afterEach(() => t.cleanup());

describe('run lifecycle', () => {
  it('creates a running run with config identity and provenance', () => {
    const now = Date.now();
    const r = t.store.createRun({
      method: 'bicyclegan',
      config: sampleConfig({ seed: 3 }),
      gitCommit: 'abc123',
      gitDirty: true,
      backend: 'wasm',
      packageVersions: { '@tensorflow/tfjs': '4.22.0' },
      command: 'workbench train seed=3',
      tags: ['baseline'],
      at: now,
    });
    expect(r.status).toBe('running');
    expect(r.seed).toBe(3);
    expect(r.startedAt).toBe(now);
    expect(r.heartbeatAt).toBe(now);
    expect(r.gitDirty).toBe(true);
    expect(r.packageVersions['@tensorflow/tfjs']).toBe('4.22.0');
    expect(r.config).toEqual(sampleConfig({ seed: 3 }));
    expect(r.configHash).toMatch(/^[0-9a-f]{16}$/);
    expect(r.name).toBe(r.id);
    // Same config but another seed: same group, different hash.
    const r2 = t.store.createRun({ method: 'bicyclegan', config: sampleConfig({ seed: 4 }), at: now });
    expect(r2.groupKey).toBe(r.groupKey);
    expect(r2.configHash).not.toBe(r.configHash);
    const r3 = t.store.createRun({ method: 'bicyclegan', config: sampleConfig({ seed: 4, 'model.nz': 16 }), at: now });
    expect(r3.groupKey).not.toBe(r.groupKey);
  });

  it('refuses a duplicate run id and an unknown sweep', () => {
    t.store.createRun({ id: 'r1', method: 'm', config: {} });
    expect(() => t.store.createRun({ id: 'r1', method: 'm', config: {} })).toThrow(/already exists/);
    expect(() => t.store.createRun({ method: 'm', config: {}, sweepId: 'nope' })).toThrow(/unknown sweep nope/);
  });

  it('finishes with a status and reason; the first exit wins', () => {
    const r = t.store.createRun({ method: 'm', config: {}, at: 1000 });
    expect(t.store.finishRun(r.id, 'failed', 'loss is NaN at step 57 (G_GAN)', 5000)).toBe(true);
    expect(t.store.finishRun(r.id, 'killed', 'SIGTERM', 6000)).toBe(false);
    const got = t.store.getRun(r.id)!;
    expect(got.status).toBe('failed');
    expect(got.exitReason).toBe('loss is NaN at step 57 (G_GAN)');
    expect(got.endedAt).toBe(5000);
    expect(got.durationMs).toBe(4000);
    expect(() => t.store.finishRun(r.id, 'crashed' as never)).toThrow(TrackingInputError);
    expect(() => t.store.finishRun('nope', 'finished')).toThrow(/unknown run nope/);
  });

  it('marks a run with a stale heartbeat as crashed, and list queries apply it', () => {
    const now = Date.now();
    const alive = t.store.createRun({ method: 'm', config: {}, at: now - 10_000 });
    const dead = t.store.createRun({ method: 'm', config: {}, at: now - 600_000 });
    t.store.heartbeat(dead.id, now - 120_000); // last sign of life two minutes ago
    const { runs } = t.store.listRuns();
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(byId.get(alive.id)!.status).toBe('running');
    expect(byId.get(dead.id)!.status).toBe('crashed');
    expect(byId.get(dead.id)!.exitReason).toMatch(/no heartbeat for 60 s/);
    expect(byId.get(dead.id)!.endedAt).toBe(now - 120_000);
    expect(t.store.listRuns({ status: 'crashed' }).total).toBe(1);
    // A finished run is never marked crashed, however old.
    const old = t.store.createRun({ method: 'm', config: {}, at: now - 900_000 });
    t.store.finishRun(old.id, 'finished', null, now - 800_000);
    expect(t.store.markStaleRunsCrashed()).toBe(0);
    expect(t.store.getRun(old.id)!.status).toBe('finished');
  });

  it('markStaleRunsCrashed honours an explicit threshold', () => {
    const now = Date.now();
    const r = t.store.createRun({ method: 'm', config: {}, at: now - 30_000 });
    expect(t.store.markStaleRunsCrashed(3600, now)).toBe(0);
    expect(t.store.markStaleRunsCrashed(10, now)).toBe(1);
    expect(t.store.getRun(r.id)!.status).toBe('crashed');
  });

  it('a crashed run that heartbeats again was only stalled: back to running', () => {
    const now = Date.now();
    const r = t.store.createRun({ method: 'm', config: {}, at: now - 600_000 });
    t.store.markStaleRunsCrashed();
    expect(t.store.getRun(r.id)!.status).toBe('crashed');
    t.store.heartbeat(r.id);
    const got = t.store.getRun(r.id)!;
    expect(got.status).toBe('running');
    expect(got.exitReason).toBeNull();
    expect(got.endedAt).toBeNull();
  });

  it('resume brings a crashed or killed run back to running and counts resumes', () => {
    const now = Date.now();
    const r = t.store.createRun({ method: 'm', config: {}, at: now - 30_000 });
    expect(() => t.store.resumeRun(r.id)).toThrow(/still running \(heartbeat 30 s ago\)/);
    expect(t.store.markStaleRunsCrashed(10)).toBe(1);
    const resumed = t.store.resumeRun(r.id);
    expect(resumed.status).toBe('running');
    expect(resumed.resumes).toBe(1);
    expect(resumed.endedAt).toBeNull();
    t.store.finishRun(r.id, 'killed', 'SIGTERM');
    expect(t.store.resumeRun(r.id).resumes).toBe(2);
    t.store.finishRun(r.id, 'finished');
    expect(t.store.getRun(r.id)!.status).toBe('finished');
    expect(() => t.store.resumeRun('nope')).toThrow(/unknown run nope/);
  });

  it('a read-only store computes nothing itself but reads everything', () => {
    const r = t.store.createRun({ method: 'm', config: { a: 1 } });
    const ro = openStore(t.path, { readonly: true });
    expect(ro.getRun(r.id)!.config).toEqual({ a: 1 });
    expect(() => ro.heartbeat(r.id)).toThrow(/readonly/);
    ro.close();
  });

  it('tags, notes, rename and delete', () => {
    const r = t.store.createRun({ method: 'm', config: {} });
    t.store.setTags(r.id, ['a', 'b']);
    t.store.setNotes(r.id, 'lr too high');
    t.store.renameRun(r.id, 'first try');
    t.store.logMetrics(r.id, [{ key: 'loss', step: 0, value: 1 }]);
    const got = t.store.getRun(r.id)!;
    expect([got.tags, got.notes, got.name]).toEqual([['a', 'b'], 'lr too high', 'first try']);
    expect(t.store.deleteRun(r.id)).toBe(true);
    expect(t.store.getRun(r.id)).toBeUndefined();
    expect(storeDatabase(t.store).prepare('SELECT count(*) FROM metric_points').pluck().get()).toBe(0);
  });

  it('a run killed with -9 on this host is crashed at once in list queries; other hosts keep the heartbeat rule', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const local = t.store.createRun({ method: 'm', config: {}, pid: child.pid! });
    const remote = t.store.createRun({ method: 'm', config: {}, pid: child.pid!, host: 'gpu-node-17' });
    expect(t.store.listRuns().runs.map((r) => r.status)).toEqual(['running', 'running']); // alive
    await new Promise((resolve) => {
      child.on('exit', resolve);
      child.kill('SIGKILL');
    });
    const byId = new Map(t.store.listRuns().runs.map((r) => [r.id, r]));
    expect(byId.get(local.id)!.status).toBe('crashed');
    expect(byId.get(local.id)!.exitReason).toBe(`its process ${child.pid} on ${hostname()} is gone and recorded no exit (killed with -9, out of memory?)`);
    expect(byId.get(remote.id)!.status).toBe('running'); // fresh heartbeat, another machine: cannot tell
    expect(t.store.getRun(local.id)!.endedAt).toBe(local.heartbeatAt);
  });

  it('resume right after kill -9 on this host is allowed: the pid is provably gone', async () => {
    const { spawnSync } = await import('node:child_process');
    // A pid that existed and is gone now.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const r = t.store.createRun({ method: 'm', config: {}, pid: gone });
    expect(t.store.resumeRun(r.id).status).toBe('running');
    expect(t.store.getRun(r.id)!.pid).toBe(process.pid);
    // Another host's run with a fresh heartbeat is not touched.
    const remote = t.store.createRun({ method: 'm', config: {}, pid: gone, host: 'gpu-node-17' });
    expect(() => t.store.resumeRun(remote.id)).toThrow(/still running/);
  });
});
