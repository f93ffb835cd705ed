// The config search path and the project root, on real folders: from any folder the workbench's
// own experiments/ resolves groups, a user folder adds experiments and options, and a project's
// database and runs folder are found from its subfolders.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { composeConfig } from './compose.js';
import { findProjectRoot } from './project-root.js';
import { BUILTIN_EXPERIMENTS_DIR, configSearchPath } from './search-path.js';

// The walk up for a project stops below the temp folder: a stray /tmp/workbench.db is not ours.
const NO_PARENTS = { WORKBENCH_CEILING_DIRS: tmpdir() };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'config-search-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
}

describe('config search path', () => {
  it('resolves the built-in groups from a folder with no experiments/ (data=shapes from anywhere)', () => {
    const r = composeConfig({ overrides: ['data=facades', 'data.root=/data/facades'], cwd: dir, env: NO_PARENTS });
    expect(r.config.data.dataset).toBe('aligned');
    expect(r.sources.files).toContain('experiments/data/facades.yaml');
    expect(r.paths.searchPath).toEqual([`builtin: ${BUILTIN_EXPERIMENTS_DIR}`]);
    // A new project in the working directory: its database and runs folder are there, absolute.
    expect(r.config.tracking.db).toBe(join(dir, 'workbench.db'));
    expect(r.config.train.runs_dir).toBe(join(dir, 'runs'));
    expect(r.paths.projectRoot.reason).toMatch(/new project/);
  });

  it("adds the project's experiments/ before the built-in one: new experiments, new and replaced options", () => {
    write('experiments/mine/exp.yaml', '# @package _global_\ndefaults:\n  - override /data: tiny\n  - _self_\nmodel:\n  nz: 5\n');
    write('experiments/data/tiny.yaml', 'crop_size: 32\nload_size: 32\nnum_modes: 2\n');
    write('experiments/method/cvae_gan.yaml', '# @package _global_\nmethod: cvae_gan\nloss:\n  lambda_kl: 0.5\n');
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    const r = composeConfig({ overrides: ['+experiment=mine/exp', 'method=cvae_gan'], cwd: join(dir, 'sub', 'deeper'), env: NO_PARENTS });
    expect(r.config.model.nz).toBe(5);
    expect(r.config.data.num_modes).toBe(2);
    expect(r.config.loss.lambda_kl).toBe(0.5); // the user's method/cvae_gan.yaml wins over the built-in one
    expect(r.sources.keys['model.nz']).toBe(join(dir, 'experiments/mine/exp.yaml')); // outside the working directory: absolute
    expect(r.config.data.dataset).toBe('shapes'); // still from the built-in primary config's defaults
    const sp = configSearchPath({ cwd: dir, env: NO_PARENTS });
    expect(sp.experiments()).toContain('mine/exp');
    expect(sp.experiments()).toContain('paper/methods');
    expect(sp.experiments()).not.toContain('data/tiny');
    expect(sp.options('data')).toContain('tiny');
    expect(sp.options('data')).toContain('facades');
  });

  it('takes a user folder from configDir or WORKBENCH_CONFIG_DIR', () => {
    write('configs/data/dots.yaml', 'num_modes: 7\n');
    expect(composeConfig({ overrides: ['data=dots'], cwd: dir, env: NO_PARENTS, configDir: 'configs' }).config.data.num_modes).toBe(7);
    expect(composeConfig({ overrides: ['data=dots'], cwd: dir, env: { WORKBENCH_CONFIG_DIR: join(dir, 'configs') } }).config.data.num_modes).toBe(7);
    expect(() => composeConfig({ overrides: ['data=dots'], cwd: dir, env: NO_PARENTS })).toThrow(/unknown option 'dots' for config group data/);
  });
});

describe('project root', () => {
  it('finds the database of a parent folder instead of starting a second one in a subfolder', () => {
    writeFileSync(join(dir, 'workbench.db'), '');
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    const sub = join(dir, 'a', 'b');
    expect(findProjectRoot(sub, {})).toEqual({ dir, reason: 'nearest parent with workbench.db' });
    const r = composeConfig({ overrides: [], cwd: sub, env: NO_PARENTS });
    expect(r.config.tracking.db).toBe(join(dir, 'workbench.db'));
    expect(r.config.train.runs_dir).toBe(join(dir, 'runs'));
  });

  it('stops below WORKBENCH_CEILING_DIRS, as git stops below GIT_CEILING_DIRECTORIES', () => {
    writeFileSync(join(dir, 'workbench.db'), '');
    const sub = join(dir, 'a');
    mkdirSync(sub);
    expect(findProjectRoot(sub, { WORKBENCH_CEILING_DIRS: `/nowhere:${dir}` }).dir).toBe(sub);
    expect(findProjectRoot(dir, { WORKBENCH_CEILING_DIRS: dir }).dir).toBe(dir); // the start folder itself is always searched
  });

  it('lets WORKBENCH_HOME choose the project, and keeps paths typed on the command line or env as given', () => {
    mkdirSync(join(dir, 'home'));
    const env = { WORKBENCH_HOME: join(dir, 'home') };
    expect(composeConfig({ overrides: [], cwd: dir, env }).config.tracking.db).toBe(join(dir, 'home', 'workbench.db'));
    expect(findProjectRoot(dir, env).reason).toBe('WORKBENCH_HOME');
    expect(composeConfig({ overrides: ['tracking.db=here.db'], cwd: dir, env }).config.tracking.db).toBe('here.db');
    expect(composeConfig({ overrides: [], cwd: dir, env: { ...env, WORKBENCH_DB: 'env.db' } }).config.tracking.db).toBe('env.db');
  });
});
