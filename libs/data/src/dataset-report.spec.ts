// `inspectDataset` (what `workbench data info` prints): which splits open, which problems make a
// dataset unusable, which split evaluation reads, and the direction check.
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { inspectDataset } from './dataset-report.js';
import { FACADES_FIXTURE, tempDir } from './test-support.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const facades = (root: string, direction: 'AtoB' | 'BtoA' = 'BtoA') =>
  inspectDataset({ dataset: 'aligned', root, direction, load_size: 64, crop_size: 64 });

describe('inspectDataset', () => {
  it('a train/test dataset: usable, evaluates on test/, no direction warning with BtoA', async () => {
    const r = await facades(FACADES_FIXTURE);
    expect(r.problems).toEqual([]);
    expect(r.evalSplit).toBe('test');
    expect(r.splits.map((s) => [s.split, s.status, s.pairs])).toEqual([['train', 'ok', 8], ['val', 'missing-split', undefined], ['test', 'ok', 4]]);
    expect(r.directionCheck?.warning).toBeUndefined();
    expect((await facades(FACADES_FIXTURE, 'AtoB')).directionCheck?.warning).toMatch(/data\.direction=AtoB .* set data\.direction=BtoA$/);
  });

  it('a train/val dataset with symlinked splits: usable, evaluates on val/', async () => {
    const root = join(tmp.dir, 'tv');
    mkdirSync(root);
    symlinkSync(join(FACADES_FIXTURE, 'train'), join(root, 'train'));
    symlinkSync(join(FACADES_FIXTURE, 'test'), join(root, 'val'));
    const r = await facades(root);
    expect(r.problems).toEqual([]);
    expect(r.evalSplit).toBe('val');
  });

  it('problems: missing train/, empty split, no evaluation split, unreadable image', async () => {
    const onlyTest = join(tmp.dir, 'only-test');
    cpSync(join(FACADES_FIXTURE, 'test'), join(onlyTest, 'test'), { recursive: true });
    expect((await facades(onlyTest)).problems).toEqual([
      `train: ${join(onlyTest, 'train')} does not exist (${onlyTest} has subfolders test): an aligned dataset needs train/ with A|B images (workbench train needs it)`,
    ]);

    const emptyVal = join(tmp.dir, 'empty-val');
    cpSync(join(FACADES_FIXTURE, 'train'), join(emptyVal, 'train'), { recursive: true });
    mkdirSync(join(emptyVal, 'val'));
    const r = await facades(emptyVal);
    expect(r.splits.find((s) => s.split === 'val')?.status).toBe('empty-split');
    expect(r.evalSplit).toBeNull();
    expect(r.problems).toEqual([
      `val: ${join(emptyVal, 'val')} has no images (.jpg, .jpeg, .png, .webp, .tif, .tiff; it has nothing (it is empty)): put the A|B side-by-side images there`,
    ]);

    const trainOnly = join(tmp.dir, 'train-only');
    cpSync(join(FACADES_FIXTURE, 'train'), join(trainOnly, 'train'), { recursive: true });
    expect((await facades(trainOnly)).problems).toEqual(['neither test/ nor val/ exists: workbench eval needs one of them (or eval.split=train)']);

    // a file whose header reads but whose pixels do not: found by the direction check's decode
    const corrupt = join(tmp.dir, 'corrupt');
    cpSync(FACADES_FIXTURE, corrupt, { recursive: true });
    const bytes = readFileSync(join(FACADES_FIXTURE, 'train', '1.jpg'));
    writeFileSync(join(corrupt, 'train', '1.jpg'), bytes.subarray(0, bytes.length >> 1));
    const c = await facades(corrupt);
    expect(c.splits[0]?.status).toBe('unreadable');
    expect(c.problems[0]).toMatch(/^train: .*train\/1\.jpg is corrupt or truncated/);
  });

  it('a missing data.root is one error, not a report', async () => {
    await expect(facades(join(tmp.dir, 'nowhere'))).rejects.toThrow(DataError);
  });
});
