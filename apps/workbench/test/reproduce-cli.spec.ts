// `workbench reproduce` end to end on a tiny real grid: paper/latent_size (|z| = 2, 8, 256) with
// 2 seeds of an 8-iteration, widths-8 BicycleGAN, trained, evaluated and reported through the CLI.
// Checks the claims README (the |z| claims judged on real numbers, the others "not run" with the
// command that runs them), the report folder it links, that a second call reuses the sweep, and
// the errors for a wrong grid name, a missing database and a facades grid without its folder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { openStore } from '@workbench/tracking';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

let dir: string;
let common: string[];
let first: { stdout: string; stderr: string };

async function workbench(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [join(root, 'bin/workbench.js'), ...args], { cwd: root, env: { ...process.env, WORKBENCH_BACKEND: 'wasm' }, maxBuffer: 1 << 24 });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const TINY = [
  'model.ngf=8', 'model.ndf=8', 'model.nef=8', 'sweep.seeds=2', 'train.iters=8', 'train.eval_every=2', 'train.eval_inputs=4', 'train.eval_samples=3',
  'train.display_every=8', 'train.checkpoint_every=8', 'data.train_size=16', 'data.test_size=6', 'eval.n_inputs=4', 'eval.n_samples=3',
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reproduce-cli-'));
  common = [`tracking.db=${join(dir, 'wb.db')}`, `train.runs_dir=${join(dir, 'runs')}`, `eval.lpips_dir=${join(dir, 'lpips')}`];
  const r = await workbench('reproduce', '--only', 'latent_size', '--out', join(dir, 'out'), ...common, ...TINY);
  expect(r.code, r.stderr).toBe(0);
  first = r;
}, 600_000); // 6 training processes and one evaluation: minutes on a shared 2-core machine
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workbench reproduce', () => {
  it('trains and evaluates the grid, reports it and judges its claims in the README', () => {
    const store = openStore(join(dir, 'wb.db'));
    const sweeps = store.listSweeps().sweeps;
    expect(sweeps.map((s) => s.experiment)).toEqual(['paper/latent_size']);
    const sweepId = sweeps[0]!.id;
    const runs = store.listRuns({ sweepId }).runs;
    expect(runs).toHaveLength(6);
    expect(runs.every((r) => r.status === 'finished')).toBe(true);
    expect(new Set(store.evalResults({ sweepId }).map((e) => e.runId)).size).toBe(6);
    store.close();

    const md = readFileSync(join(dir, 'out', 'README.md'), 'utf8');
    // the |z| claims carry our numbers with intervals and n = 2, and a verdict
    const z1 = md.split('\n').find((l) => l.startsWith('| Z1 |'));
    expect(z1).toMatch(/\\\|z\\\| = 8 \d\.\d{3} \[-?\d\.\d{3}, \d\.\d{3}\] \(2\) vs \\\|z\\\| = 2 \d\.\d{3} \[-?\d\.\d{3}, \d\.\d{3}\] \(2\)/);
    expect(z1).toMatch(/\*\*(reproduced|not reproduced|inconclusive)\*\*/);
    // grids that have not run say so, with the command that runs them
    expect(md).toMatch(/\| M3 \| BicycleGAN is more diverse than cVAE-GAN \| LPIPS diversity 0\.110 vs cVAE-GAN 0\.096 .*\| \*\*not run\*\* \|/);
    expect(md).toContain('not run: `workbench train -m +experiment=paper/encoder_injection`');
    expect(md).toContain(`| [latent_size](latent_size/README.md) | \`paper/latent_size\` |`);
    expect(md).toContain(`\`${sweepId}\` | 6 finished |`);
    // the linked report exists with its tables, charts and one grid per |z|
    const report = readFileSync(join(dir, 'out', 'latent_size', 'README.md'), 'utf8');
    expect(report).toContain('Latent code length |z|');
    expect(report).toMatch(/\| 8 \(reference\) \|/);
    // one seed per group grid keeps the committed folder small
    expect(report).toContain("One grid per group: the first seed's evaluation grid");
    for (const g of ['01-model.nz_256.png', '02-model.nz_8.png', '03-model.nz_2.png']) expect(existsSync(join(dir, 'out', 'latent_size', 'grids', g)), g).toBe(true);
    expect(first.stdout).toMatch(/wrote .*out\/README\.md: M0 not run, .*Z1 (reproduced|not reproduced|inconclusive), Z2/);
  });

  it('reuses the finished sweep on a second call, and --no-train trains nothing', async () => {
    const again = await workbench('reproduce', '--only', 'latent_size', '--out', join(dir, 'out2'), ...common, ...TINY);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/reusing the finished paper\/latent_size sweep sweep-/);
    expect(again.stdout).toContain('every finished run is evaluated');
    // one run loses its results: only that run is evaluated again, not the whole sweep
    const db = new Database(join(dir, 'wb.db'));
    const { run_id: lost, sweep_id: sweepId } = db.prepare('SELECT e.run_id, r.sweep_id FROM eval_results e JOIN runs r ON r.id = e.run_id LIMIT 1').get() as { run_id: string; sweep_id: string };
    db.prepare('DELETE FROM eval_results WHERE run_id = ?').run(lost);
    db.close();
    mkdirSync(join(dir, 'out3'));
    writeFileSync(join(dir, 'out3', 'NOTES.md'), '# by hand\n');
    const noTrain = await workbench('reproduce', '--no-train', '--out', join(dir, 'out3'), ...common, 'eval.n_inputs=4', 'eval.n_samples=3');
    expect(noTrain.code, noTrain.stderr).toBe(0);
    expect(noTrain.stdout).toContain(`$ workbench eval ${lost} `);
    expect(noTrain.stdout).not.toContain(`$ workbench eval ${sweepId}`);
    expect(noTrain.stdout).not.toContain('$ workbench train');
    const store = openStore(join(dir, 'wb.db'));
    expect(store.listSweeps().sweeps).toHaveLength(1);
    expect(new Set(store.evalResults({ sweepId }).map((e) => e.runId)).size).toBe(6);
    store.close();
    const rebuilt = readFileSync(join(dir, 'out3', 'README.md'), 'utf8');
    expect(rebuilt).toContain('| [latent_size](latent_size/README.md)');
    expect(rebuilt).toContain('[NOTES.md](NOTES.md)'); // the hand-written notes are linked and kept
    expect(readFileSync(join(dir, 'out3', 'NOTES.md'), 'utf8')).toBe('# by hand\n');
    expect(readFileSync(join(dir, 'out', 'README.md'), 'utf8')).not.toContain('NOTES.md');
  }, 300_000);

  it('names the problem and the fix for a wrong grid, a missing database and facades without a folder', async () => {
    const bad = await workbench('reproduce', '--only', 'latent', '--out', join(dir, 'x'), ...common);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown grid 'latent'; choose from methods, encoder_injection, latent_size, methods_facades");
    const missing = await workbench('reproduce', '--no-train', `tracking.db=${join(dir, 'none.db')}`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('none.db');
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
    const facades = await workbench('reproduce', '--only', 'methods_facades', '--out', join(dir, 'x'), ...common);
    expect(facades.code).toBe(2);
    expect(facades.stderr).toContain('paper/methods_facades needs the facades folder: add --facades <folder>');
  }, 120_000);
});
