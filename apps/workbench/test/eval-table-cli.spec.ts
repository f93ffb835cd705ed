// End to end through the CLI, as a user runs it: a tiny 2-seed sweep is trained, evaluated twice
// (the rerun must replace rows, not duplicate them), and its table printed with mean [95 % CI] (n).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openStore } from '@workbench/tracking';
import { defined } from './support/defined.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const lpipsFixture = join(root, 'fixtures/lpips/alex_features_random.pth');

let dir: string;
let common: string[];
async function workbench(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(root, 'bin/workbench.js'), ...args], { cwd: root, env: { ...process.env, WORKBENCH_BACKEND: 'wasm' }, maxBuffer: 1 << 24 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eval-cli-'));
  common = [`tracking.db=${join(dir, 'wb.db')}`, `train.runs_dir=${join(dir, 'runs')}`, `eval.lpips_dir=${join(dir, 'lpips')}`];
  await workbench('train', '-m', 'data=shapes', 'model=small', 'seed=0,1', 'train.iters=2', 'data.train_size=8', 'data.test_size=6', ...common, '--progress', 'none');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workbench eval + table', () => {
  it('skips LPIPS with a one-line how-to, then evaluates with imported weights, idempotently', async () => {
    const store = openStore(join(dir, 'wb.db'));
    const sweepId = defined(store.listSweeps().sweeps[0], 'the sweep').id;
    const runIds = store.listRuns({ sweepId }).runs.map((r) => r.id);
    store.close();
    expect(runIds).toHaveLength(2);

    const first = await workbench('eval', sweepId, 'eval.n_inputs=4', 'eval.n_samples=3', ...common);
    expect(first.stderr).toMatch(/LPIPS skipped: no AlexNet weights for LPIPS in .*workbench lpips import --alexnet <file>/);
    expect(first.stdout).toMatch(/stored 18 results for 2 run\(s\)/);

    // The fixture's random AlexNet stands in for torchvision's file (same keys and shapes).
    await workbench('lpips', 'import', '--alexnet', lpipsFixture, ...common);
    const second = await workbench('eval', sweepId, 'eval.n_inputs=4', 'eval.n_samples=3', ...common);
    expect(second.stderr).not.toMatch(/LPIPS skipped/);

    const db = openStore(join(dir, 'wb.db'));
    const rows = db.evalResults({ sweepId });
    // 11 metrics per run (the rerun replaced the first 9 and added LPIPS diversity + real pairs), each once.
    expect(rows).toHaveLength(22);
    expect(new Set(rows.map((r) => `${r.runId}/${r.metric}`)).size).toBe(22);
    expect(rows.filter((r) => r.metric === 'encoded_mode_accuracy')).toHaveLength(2);
    expect(rows.filter((r) => r.metric === 'diversity_lpips_v0.0').every((r) => r.n === 4 * 2)).toBe(true);
    for (const id of runIds) {
      const grids = db.listArtifacts(id, { kind: 'eval_grid' });
      expect(grids).toHaveLength(1);
      expect(existsSync(join(dir, 'runs', id, defined(grids[0], `${id}'s eval grid`).path))).toBe(true);
    }
    db.close();

    const md = (await workbench('table', sweepId, ...common)).stdout;
    expect(md).toContain('### Methods: diversity vs mode coverage');
    // the only row, so the reference row: mean [95 % CI] (n) over the 2 seeds
    expect(md).toMatch(/\| BicycleGAN \(reference\) \| \d\.\d{4} \[-?\d\.\d{4}, \d\.\d{4}\] \(2\) \|/);
    expect(md).toMatch(/\*random real images\*/);

    await expect(workbench('eval', 'no-such-id', ...common)).rejects.toMatchObject({ stderr: expect.stringMatching(/workbench: no run or sweep 'no-such-id'/) });
  });
});
