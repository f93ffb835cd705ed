// `workbench train -m ... --dry-run`: the paper grids expand through the real CLI.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const run = promisify(execFile);
const workbench = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin/workbench.js'), ...args], { cwd: ROOT });

describe('workbench train -m --dry-run', () => {
  it('lists the 12 jobs of paper/encoder_injection without running anything', async () => {
    const { stdout } = await workbench('train', '-m', '+experiment=paper/encoder_injection', '--dry-run');
    expect(stdout).toContain('12 jobs of paper/encoder_injection: model.encoder=[resnet,cnn] x model.where_add=[input,all] x seed=[0,1,2]');
    const jobLines = stdout.split('\n').filter((l) => /^\s*\d+\s+j[0-9a-f]{10}\s/.test(l));
    expect(jobLines).toHaveLength(12);
    expect(new Set(jobLines.map((l) => l.trim().split(/\s+/)[1])).size).toBe(12);
  });

  it('refuses --dry-run without -m, saying how to use it', async () => {
    const err = await workbench('train', '--dry-run').then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('--dry-run lists the jobs of a sweep: add -m');
  });

  it('refuses a --jobs that is not a whole number (it used to hang the sweep and exit 13 silently)', async () => {
    const err = await workbench('train', '-m', 'model.nz=2,8', '--jobs', 'abc', '--dry-run').then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr.trim()).toBe('workbench: --jobs abc is not valid: use an integer >= 1');
  });
});
