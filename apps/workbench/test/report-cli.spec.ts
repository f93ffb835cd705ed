// `workbench report` end to end on a small real sweep: 2 seeds of a tiny BicycleGAN (32 px, widths
// 8) trained with eval_every through the CLI, evaluated, then reported. Checks the folder is
// self-contained: every image the Markdown links exists and is a real, non-blank PNG.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { openStore } from '@workbench/tracking';
import { defined } from './support/defined.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

let dir: string;
let common: string[];
let sweepId: string;
async function workbench(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(root, 'bin/workbench.js'), ...args], { cwd: root, env: { ...process.env, WORKBENCH_BACKEND: 'wasm' }, maxBuffer: 1 << 24 });
}

/** Pixels that are not (near) white: a blank canvas has none. */
async function inked(path: string): Promise<{ width: number; height: number; inked: number }> {
  const img = await loadImage(readFileSync(path));
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, img.width, img.height).data;
  let n = 0;
  for (let i = 0; i < px.length; i += 4) if (px[i]! < 200 || px[i + 1]! < 200 || px[i + 2]! < 200) n++;
  return { width: img.width, height: img.height, inked: n };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
  common = [`tracking.db=${join(dir, 'wb.db')}`, `train.runs_dir=${join(dir, 'runs')}`, `eval.lpips_dir=${join(dir, 'lpips')}`];
  await workbench(
    'train', '-m', 'data=shapes', 'model.ngf=8', 'model.ndf=8', 'model.nef=8', 'seed=0,1', 'train.iters=8', 'train.eval_every=1',
    'train.eval_inputs=4', 'train.eval_samples=3', 'train.display_every=8', 'train.checkpoint_every=8', 'data.train_size=16', 'data.test_size=6',
    ...common, '--progress', 'none', '--jobs', '1',
  );
  const store = openStore(join(dir, 'wb.db'));
  sweepId = defined(store.listSweeps().sweeps[0], 'the sweep').id;
  store.close();
  await workbench('eval', sweepId, 'eval.n_inputs=4', 'eval.n_samples=3', ...common);
}, 600_000); // three CLI processes that train, evaluate and load tfjs: minutes on a shared 2-core machine
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workbench report', () => {
  it('writes Markdown with the swept keys and tables with intervals, PNG charts, curves and one grid per group', async () => {
    const out = join(dir, 'report');
    mkdirSync(join(out, 'grids'), { recursive: true });
    writeFileSync(join(out, 'grids', '07-stale-group.png'), 'from an earlier build'); // must not survive the rebuild
    const { stdout } = await workbench('report', sweepId, ...common, '--out', out);
    expect(readdirSync(join(out, 'grids'))).toHaveLength(1);
    expect(stdout).toMatch(/wrote .*README\.md \(\d+ charts, 1 grids\)/);
    const md = readFileSync(join(out, 'README.md'), 'utf8');
    expect(md).toContain('## Swept keys');
    expect(md).toContain('| seed | 0, 1 |');
    // one group of 2 seeds: mean [95 % CI] (2), and it is the reference row
    expect(md).toMatch(/\| BicycleGAN \(reference\) \| \d\.\d{4} \[-?\d\.\d{4}, \d\.\d{4}\] \(2\) \|/);
    expect(md).toContain("Welch's t-test");
    expect(md).toContain('![eval_mode_coverage](charts/curve-eval_mode_coverage.png)');
    expect(readFileSync(join(out, 'tables.csv'), 'utf8').split('\n')[0]).toContain('ci95_lo,ci95_hi');
    expect(readFileSync(join(out, 'tables.tex'), 'utf8')).toContain('\\begin{tabular}');

    const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => defined(m[1], 'an image link target'));
    expect(links.filter((l) => l.startsWith('charts/curve-')).length).toBeGreaterThanOrEqual(5);
    expect(links.filter((l) => l.startsWith('grids/'))).toHaveLength(1);
    for (const l of links) {
      const p = join(out, l);
      expect(existsSync(p), l).toBe(true);
      expect(readFileSync(p).subarray(1, 4).toString('latin1')).toBe('PNG');
      const im = await inked(p);
      expect(im.inked, `${l} has drawing on it`).toBeGreaterThan(2000);
    }
    // the group's grid stacks both seeds' eval grids
    const store = openStore(join(dir, 'wb.db'));
    const runs = store.listRuns({ sweepId }).runs;
    const first = defined(runs[0], 'a run of the sweep');
    const one = defined(store.listArtifacts(first.id, { kind: 'eval_grid' })[0], `${first.id}'s eval grid`);
    store.close();
    const single = await inked(join(defined(first.runDir, `${first.id}'s folder`), one.path));
    const grid = await inked(join(out, links.find((l) => l.startsWith('grids/'))!));
    expect(grid.height).toBeGreaterThan(2 * single.height);
  });

  it('names an unknown sweep in one line', async () => {
    await expect(workbench('report', 'no-such-sweep', ...common)).rejects.toMatchObject({ stderr: expect.stringMatching(/workbench: unknown sweep 'no-such-sweep'.*database/) });
  });
});
