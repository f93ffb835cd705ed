// Nx's cache replays a target only while its inputs are unchanged, so the inputs must name every
// file the target reads. Asked of Nx itself (`nx show target inputs`, resolved file lists), not
// of nx.json: the test targets (inferred by @nx/vitest) read experiments/, fixtures/ and bin/,
// and the workspace's one lint and one typecheck read every source they check.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const nxBin = path.join(root, 'node_modules', '.bin', 'nx');

interface TargetInputs {
  files: string[];
}

/** `nx show <args> --json`, parsed (no daemon, no cloud). */
async function nxShow<T>(...args: string[]): Promise<T> {
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  const { stdout } = await promisify(execFile)(nxBin, ['show', ...args, '--json'], { cwd: root, env, maxBuffer: 64 << 20 });
  return JSON.parse(stdout) as T;
}

async function inputsOf(target: string): Promise<string[]> {
  return (await nxShow<TargetInputs>('target', 'inputs', target)).files;
}

describe('Nx target inputs', () => {
  it('a test target reads experiments/, fixtures/ and bin/ (a changed preset or fixture reruns it)', async () => {
    const files = await inputsOf('config:test');
    for (const dir of ['experiments/', 'fixtures/', 'bin/']) expect(files.some((f) => f.startsWith(dir)), dir).toBe(true);
    expect(files).toContain('experiments/config.yaml');
    expect(files).toContain('libs/config/src/schema.ts');
  }, 120_000);

  it('type-aware lint reads every TypeScript source, the lint config and the tsconfigs', async () => {
    const files = await inputsOf('workspace:lint');
    expect(files).toContain('eslint.config.mjs');
    expect(files).toContain('tsconfig.json');
    expect(files, 'the tags the layer rules read').toContain('libs/training/project.json');
    for (const dir of ['libs/tracking/src/', 'libs/models/src/', 'apps/workbench/src/', 'tools/bench/src/']) expect(files.some((f) => f.startsWith(dir)), dir).toBe(true);
    expect(files.some((f) => f.startsWith('apps/workbench/src/ui/') && f.endsWith('.js')), 'the UI').toBe(true);
  }, 120_000);

  it('the typecheck reads every TypeScript source and the plain-JS UI it checks', async () => {
    const files = await inputsOf('workspace:typecheck');
    expect(files).toContain('apps/workbench/tsconfig.ui.json');
    expect(files).toContain('libs/training/src/trainer.ts');
    expect(files).toContain('apps/workbench/src/ui/error-bars.js');
  }, 120_000);

  it('npm scripts are not Nx targets (the root `test` script would run itself)', async () => {
    const project = await nxShow<{ targets: Record<string, unknown> }>('project', 'workspace');
    expect(Object.keys(project.targets).sort()).toEqual(['lint', 'typecheck']);
  }, 120_000);
});
