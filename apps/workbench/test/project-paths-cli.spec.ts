// "Which database and runs folder am I writing to?" end to end, with the real CLI in folders
// outside the checkout: a run from a new folder creates its project there and says so; a run from
// a subfolder finds that project's database instead of creating a second one; the built-in
// experiments/ resolve from anywhere, a user folder adds options; --cfg job|hydra|all, --resolve.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '@workbench/tracking';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
const project = mkdtempSync(join(tmpdir(), 'workbench-project-'));
const sub = join(project, 'notebooks', 'today');
mkdirSync(sub, { recursive: true });
afterAll(() => rmSync(project, { recursive: true, force: true }));

const env: NodeJS.ProcessEnv = { ...process.env, WORKBENCH_BACKEND: 'wasm' };
delete env.WORKBENCH_DB;
delete env.WORKBENCH_HOME;
delete env.WORKBENCH_CONFIG_DIR;
const workbench = (cwd: string, ...args: string[]) => run(process.execPath, [join(ROOT, 'bin/workbench.js'), ...args], { cwd, env, maxBuffer: 1 << 24 });
const tiny = ['data=shapes', 'model=small', 'train.iters=2', 'data.train_size=8', 'data.test_size=6', '--progress', 'none'];

describe('project root, database and runs folder from any folder', () => {
  it('trains from a folder outside the checkout, then from a subfolder into the same database', async () => {
    const first = await workbench(project, 'train', ...tiny);
    expect(first.stdout).toContain(`database ${join(project, 'workbench.db')} (new) · runs ${join(project, 'runs')}`);
    expect(existsSync(join(project, 'workbench.db'))).toBe(true);

    const where = JSON.parse((await workbench(sub, 'where', '--json')).stdout) as Record<string, unknown>;
    expect(where.database).toBe(join(project, 'workbench.db'));
    expect(where.runs_dir).toBe(join(project, 'runs'));
    expect(where.project_root_reason).toBe('nearest parent with workbench.db');

    const second = await workbench(sub, 'train', ...tiny, 'seed=1');
    expect(second.stdout).toContain(`database ${join(project, 'workbench.db')} · runs ${join(project, 'runs')}`);
    expect(existsSync(join(sub, 'workbench.db'))).toBe(false);
    expect(existsSync(join(sub, 'runs'))).toBe(false);
    const store = openStore(join(project, 'workbench.db'));
    const { runs } = store.listRuns({});
    store.close();
    expect(runs.map((r) => r.seed).sort()).toEqual([0, 1]);
    for (const r of runs) expect(r.runDir?.startsWith(join(project, 'runs'))).toBe(true);
  });

  it('--db overrides the database for one command', async () => {
    const where = JSON.parse((await workbench(sub, 'where', '--json', '--db', join(project, 'other.db'))).stdout) as Record<string, unknown>;
    expect(where.database).toBe(join(project, 'other.db'));
  });
});

describe('config search path and --cfg', () => {
  it('adds a --config-dir folder before the built-in experiments/', async () => {
    const mine = join(project, 'my-configs');
    mkdirSync(join(mine, 'data'), { recursive: true });
    writeFileSync(join(mine, 'data', 'dots.yaml'), 'num_modes: 7\ncrop_size: 32\nload_size: 32\n');
    const out = (await workbench(sub, 'train', '--cfg', 'job', '--config-dir', mine, 'data=dots', 'method=cvae_gan')).stdout;
    expect(out).toMatch(/num_modes: 7/);
    expect(out).toMatch(/^method: cvae_gan$/m); // the built-in method group still resolves
    const list = (await workbench(sub, 'config', '--list', '--config-dir', mine)).stdout;
    expect(list).toMatch(/data: .*dots.*facades/);
  });

  it('prints job, hydra and all, with ${...} as written unless --resolve', async () => {
    const job = (await workbench(sub, 'train', '--cfg', 'job', '+experiment=paper/latent_size')).stdout;
    expect(job).toMatch(/^name: latent_size_nz\$\{model\.nz\}_s\$\{seed\}$/m);
    expect(job).not.toMatch(/^hydra:/m);
    const resolved = (await workbench(sub, 'train', '--cfg', 'all', '--resolve', '+experiment=paper/latent_size')).stdout;
    expect(resolved).toMatch(/^name: latent_size_nz8_s0$/m);
    expect(resolved).toMatch(/^hydra:\n {2}project_root: /m);
    const hydra = (await workbench(sub, 'train', '--cfg', 'hydra', 'data=facades')).stdout;
    expect(hydra).not.toMatch(/^model:/m);
    expect(hydra).toContain(`project_root: ${project}`);
    expect(hydra).toContain('- experiments/data/facades.yaml');
    // The form from before parts existed: `--cfg <override>` prints the job config of it.
    expect((await workbench(sub, 'train', '--cfg', 'model.nz=3')).stdout).toMatch(/^ {2}nz: 3$/m);
    await expect(workbench(sub, 'train', '--cfg', 'jobs')).rejects.toMatchObject({ stderr: 'workbench: --cfg jobs: use --cfg job, --cfg hydra or --cfg all\n' });
  });
});
