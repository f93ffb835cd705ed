// What a run records besides its losses: the environment (git patch of a dirty tree, lockfile
// hash, backend, dependency versions), system metrics over time, and checkpoint retention
// (last N plus the best by train.best_metric). Real training, real SQLite, real git.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKBENCH_ROOT } from '@workbench/config';
import { captureEnvironment } from './run-environment.js';
import { trainRun } from './trainer.js';
import { useTrainingSandbox } from '../test/training-sandbox.js';

const sandbox = useTrainingSandbox();

describe('a training run records', () => {
  it('its environment, system metrics, and keeps the last N checkpoints plus the best', async () => {
    const config = sandbox.config('data=shapes', 'model=small', 'data.train_size=16', 'data.test_size=4', 'train.iters=8', 'train.log_every=1', 'train.checkpoint_every=1', 'train.display_every=100', 'train.keep_checkpoints=2');
    const res = await trainRun(config, { store: sandbox.store, progress: 'none', handleSignals: false, backend: 'wasm', systemMetricsMs: 20 });
    expect(res.status).toBe('finished');

    // Retention: the last two and the step with the lowest logged G_L1.
    const l1 = sandbox.store.metricSeries(res.runId, 'G_L1', { maxPoints: 100 }).points;
    const best = l1.reduce((a, b) => (b.value < a.value ? b : a));
    const kept = readdirSync(join(res.runDir, 'checkpoints')).filter((d) => d.startsWith('step-')).map((d) => Number(d.slice(5)));
    expect(kept.sort((a, b) => a - b)).toEqual([...new Set([best.step, 7, 8])].sort((a, b) => a - b));
    const retention = JSON.parse(readFileSync(join(res.runDir, 'checkpoints', 'retention.json'), 'utf8'));
    expect(retention.best).toEqual({ step: best.step, value: best.value });
    const artifacts = sandbox.store.listArtifacts(res.runId, { kind: 'checkpoint' });
    expect(artifacts.filter((a) => a.meta.removed).map((a) => a.step).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8].filter((s) => !kept.includes(s)));

    // System metrics, as series the run page charts.
    const keys = sandbox.store.metricKeys(res.runId);
    for (const k of ['sys_cpu_percent', 'sys_rss_mb', 'sys_wasm_heap_mb', 'sys_tensor_mb']) expect(keys).toContain(k);
    const rss = sandbox.store.metricSeries(res.runId, 'sys_rss_mb').points;
    expect(rss.length).toBeGreaterThan(0);
    expect(rss.every((p) => p.value > 10)).toBe(true);
    expect(sandbox.store.metricSeries(res.runId, 'sys_wasm_heap_mb').points.every((p) => p.value >= 1)).toBe(true);

    // Environment: lockfile hash, backend, every direct dependency.
    const env = JSON.parse(readFileSync(join(res.runDir, 'environment.json'), 'utf8'));
    expect(env.lockfileSha256).toBe(createHash('sha256').update(readFileSync(join(WORKBENCH_ROOT, 'package-lock.json'))).digest('hex'));
    expect(env.backend.tfName).toBe('wasm');
    expect(Object.keys(env.backend.details)).toContain('wasm binary');
    const pkg = JSON.parse(readFileSync(join(WORKBENCH_ROOT, 'package.json'), 'utf8'));
    const direct = [...new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})])].sort();
    expect(Object.keys(env.dependencies)).toEqual(direct);
    expect(env.dependencies['better-sqlite3']).toMatch(/^\d+\.\d+\.\d+/);
    expect(sandbox.store.getRun(res.runId)!.packageVersions['better-sqlite3']).toBe(env.dependencies['better-sqlite3']);
    expect(sandbox.store.listArtifacts(res.runId, { kind: 'environment' }).map((a) => a.path)).toEqual(['environment.json']);
  });
});

describe('captureEnvironment', () => {
  it("saves a dirty tree's diff as a patch that reproduces it on a clean checkout", () => {
    const repo = join(sandbox.dir, 'repo');
    mkdirSync(repo);
    const sh = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    sh('init', '-q');
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ version: '1.2.3', dependencies: { leftpad: '1.0.0' } }));
    writeFileSync(join(repo, 'package-lock.json'), '{}');
    writeFileSync(join(repo, 'model.ts'), 'export const nz = 8;\n');
    sh('add', '.');
    sh('commit', '-qm', 'base');
    const commit = sh('rev-parse', 'HEAD').trim();
    writeFileSync(join(repo, 'model.ts'), 'export const nz = 16; // trying something\n');
    writeFileSync(join(repo, 'notes.txt'), 'untracked\n');
    const runDir = join(sandbox.dir, 'run-env');
    mkdirSync(runDir);

    const env = captureEnvironment(runDir, 'wasm', repo);
    expect([env.gitCommit, env.gitDirty]).toEqual([commit, true]);
    expect(env.environment.git.untracked).toEqual(['notes.txt']);
    expect(env.environment.dependencies).toEqual({ leftpad: 'not installed' });
    expect(env.packageVersions['bicyclegan-workbench']).toBe('1.2.3');
    expect(env.artifacts.map((a) => a.kind)).toEqual(['git_patch', 'environment']);

    // Apply the patch to a clean clone at the commit: the modified file comes back.
    const clone = join(sandbox.dir, 'clone');
    execFileSync('git', ['clone', '-q', repo, clone]);
    execFileSync('git', ['-C', clone, 'apply', join(runDir, 'git.patch')]);
    expect(readFileSync(join(clone, 'model.ts'), 'utf8')).toBe('export const nz = 16; // trying something\n');

    // A clean tree: no patch.
    sh('checkout', '-q', 'model.ts');
    const clean = captureEnvironment(mkdtempSync(join(sandbox.dir, 'clean-')), 'wasm', repo);
    expect(clean.gitDirty).toBe(false);
    expect(clean.artifacts.map((a) => a.kind)).toEqual(['environment']);
  });
});
