// `workbench data` end to end: real processes, real files.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

  const FACADES = join(ROOT, 'fixtures/facades');
  const fails = (p: Promise<unknown>) => p.then(() => undefined, (e: { code: number; stdout: string; stderr: string }) => e);

  it('info: exit 0 and --json on a train/val-only dataset whose splits are symlinks; eval would use val/', async () => {
    const root = join(tmp, 'tv');
    mkdirSync(root);
    symlinkSync(join(FACADES, 'train'), join(root, 'train'));
    symlinkSync(join(FACADES, 'test'), join(root, 'val'));
    const res = await workbench('data', 'info', 'data=facades', `data.root=${root}`, '--json');
    const report = JSON.parse(res.stdout) as {
      ok: boolean;
      evalSplit: string;
      problems: string[];
      splits: Array<{ split: string; status: string; pairs?: number; error?: string }>;
      directionCheck: { warning?: string; input: { flat: number }; target: { flat: number } };
    };
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.evalSplit).toBe('val');
    expect(report.splits.map((r) => [r.split, r.status, r.pairs])).toEqual([['train', 'ok', 8], ['val', 'ok', 4], ['test', 'missing-split', undefined]]);
    expect(report.splits[2]?.error).toContain(`(${root} has subfolders train, val)`);
    // official facades direction (labels → photo): the input side is the flat one, no warning
    expect(report.directionCheck.warning).toBeUndefined();
    expect(report.directionCheck.input.flat).toBeGreaterThan(report.directionCheck.target.flat);
  });

  it('info: exit 1 naming the split when train/ is missing or an image is unreadable', async () => {
    const noTrain = join(tmp, 'no-train');
    cpSync(join(FACADES, 'test'), join(noTrain, 'test'), { recursive: true });
    const broken = join(tmp, 'broken');
    cpSync(FACADES, broken, { recursive: true });
    writeFileSync(join(broken, 'test', '2.jpg'), 'not a jpeg');
    const [a, b] = await Promise.all([
      fails(workbench('data', 'info', 'data=facades', `data.root=${noTrain}`)),
      fails(workbench('data', 'info', 'data=facades', `data.root=${broken}`, '--json')),
    ]);
    expect(a?.code).toBe(1);
    expect(a?.stderr).toContain(`problem: train: ${join(noTrain, 'train')} does not exist (${noTrain} has subfolders test)`);
    expect(b?.code).toBe(1);
    const report = JSON.parse(b!.stdout) as { ok: boolean; problems: string[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatch(new RegExp(`^test: ${join(broken, 'test', '2.jpg')} is not a readable image`));
  });

  it('info and preview warn when data.direction makes the label side the target (facades with AtoB)', async () => {
    const [info, prev] = await Promise.all([
      workbench('data', 'info', 'data=facades', `data.root=${FACADES}`, 'data.direction=AtoB'),
      workbench('data', 'preview', 'data=facades', `data.root=${FACADES}`, 'data.direction=AtoB', 'data.load_size=64', 'data.crop_size=64', '--count', '2', '--out', join(tmp, 'rev.png')),
    ]);
    expect(info.stdout).toMatch(/^warning: the target side B \(right half\) looks like a label\/edge map .* set data\.direction=BtoA$/m);
    expect(prev.stderr).toMatch(/warning: the target side B \(right half\) looks like a label\/edge map .*data\.direction=BtoA/);
  });
});
