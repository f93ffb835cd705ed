// `workbench data` end to end: real processes, real files.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const run = promisify(execFile);
const workbench = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin/workbench.js'), ...args], { cwd: ROOT });
const tmp = mkdtempSync(join(tmpdir(), 'workbench-data-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('workbench data', () => {
  it('exports the shapes set and previews it back through the folder loader', async () => {
    const out = join(tmp, 'shapes');
    const exp = await workbench('data', 'export', 'shapes', '--out', out, 'data.train_size=6', 'data.test_size=2', 'data.crop_size=40');
    expect(exp.stdout).toContain(`wrote 6 A|B images to ${join(out, 'train')}`);
    expect(readdirSync(join(out, 'test'))).toEqual(['0001.png', '0002.png']);
    expect((await sharp(join(out, 'train', '0001.png')).metadata()).width).toBe(80);

    const grid = join(tmp, 'grid.png');
    const prev = await workbench('data', 'preview', 'data.dataset=aligned', `data.root=${out}`, 'data.load_size=40', 'data.crop_size=40', '--count', '4', '--per-row', '2', '--scale', '1', '--out', grid);
    expect(prev.stdout).toContain(`${out} train: 6 pairs, A 40×40×3, B 40×40×3, AtoB`);
    expect(prev.stdout).toMatch(/value range \[-1\.000, 1\.000\]; wrote 4 pairs/);
    const meta = await sharp(grid).metadata();
    expect(meta.width).toBeGreaterThan(4 * 40);
    expect(meta.height).toBeGreaterThan(2 * 40);
  });

  it('reports a user mistake as one line without a stack trace (exit code 2)', async () => {
    const missing = join(tmp, 'nothing-here');
    const err = await workbench('data', 'preview', 'data=facades', `data.root=${missing}`, '--out', join(tmp, 'x.png')).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr.trim()).toBe(`workbench: data.root ${missing} does not exist or is not a folder: pass data.root=<folder containing train/ and test/>`);
  });

  it('info on an aligned preset without data.root fails once, not once per split', async () => {
    const err = await workbench('data', 'info', 'data=facades').then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stdout).toBe('');
    expect(err?.stderr.trim()).toBe('workbench: data.root is not set: pass data.root=<folder with train/ and test/ of A|B images>');
  });
});
