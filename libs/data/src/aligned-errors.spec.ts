// Every user mistake with an aligned dataset gives a one-line DataError naming the file or
// folder and the fix.
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, type CreateDatasetOptions } from './create-dataset.js';
import type { DataConfig, Split } from './data-config.js';
import { DataError } from './data-error.js';
import { FACADES_FIXTURE, tempDir, writeSynthetic } from './test-support.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const flat = (x: number, y: number): [number, number, number] => [(x * 3) % 256, (y * 5) % 256, 128];

/** A fresh root with `train/` holding `files` (name -> writer). */
async function makeRoot(name: string, files: Record<string, (file: string) => Promise<void> | void>): Promise<string> {
  const root = join(tmp.dir, name);
  mkdirSync(join(root, 'train'), { recursive: true });
  for (const [f, write] of Object.entries(files)) await write(join(root, 'train', f));
  return root;
}

async function open(cfg: Partial<DataConfig>, split: Split = 'train', opts?: CreateDatasetOptions) {
  return createDataset({ dataset: 'aligned', ...cfg }, split, opts);
}

/** Assert a one-line DataError matching `re`. */
async function expectDataError(p: Promise<unknown>, re: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  const msg = (err as Error).message;
  expect(msg).toMatch(re);
  expect(msg).not.toContain('\n');
}

const png = (w: number, h: number) => (f: string) => writeSynthetic(f, w, h, flat);

describe('aligned dataset errors', () => {
  let good: string;
  beforeAll(async () => {
    good = await makeRoot('good', { 'a.png': png(64, 32), 'b.png': png(64, 32) });
  });

  it('data.root not set', async () => {
    await expectDataError(open({ root: '' }), /^data\.root is not set: pass data\.root=<folder with train\/ and test\/ of A\|B images>$/);
  });

  it('missing root', async () => {
    const missing = join(tmp.dir, 'nope');
    await expectDataError(open({ root: missing }), new RegExp(`^data\\.root ${missing} does not exist or is not a folder: pass data\\.root=`));
  });

  it('missing split, listing what is there', async () => {
    await expectDataError(
      open({ root: good, crop_size: 16, load_size: 16 }, 'test'),
      new RegExp(`^${join(good, 'test')} does not exist \\(${good} has subfolders train\\): an aligned dataset needs test/ with A\\|B images$`),
    );
    const err = await open({ root: good, crop_size: 16, load_size: 16 }, 'test').catch((e: DataError) => e);
    expect((err as DataError).kind).toBe('missing-split');
  });

  it('symlinked split folders count as folders (in the listing, the loader and nested subfolders)', async () => {
    // edges2shoes-style root: train/ and val/ are links to folders on another disk.
    const store = await makeRoot('linked-store', { 'a.png': png(64, 32), 'b.png': png(64, 32) });
    mkdirSync(join(store, 'more'));
    await png(64, 32)(join(store, 'more', 'c.png'));
    symlinkSync(join(store, 'more'), join(store, 'train', 'nested-link'));
    const root = join(tmp.dir, 'linked');
    mkdirSync(root);
    symlinkSync(join(store, 'train'), join(root, 'train'));
    symlinkSync(join(store, 'train'), join(root, 'val'));
    writeFileSync(join(root, 'README.txt'), 'x');
    await expectDataError(
      open({ root, crop_size: 16, load_size: 16 }, 'test'),
      new RegExp(`^${join(root, 'test')} does not exist \\(${root} has subfolders train, val; 1 file: README\\.txt\\): an aligned dataset needs test/`),
    );
    const ds = await open({ root, crop_size: 16, load_size: 16 }, 'val');
    expect(ds.size).toBe(3);
  });

  it('a root with no subfolders says what it holds', async () => {
    const root = join(tmp.dir, 'flat-root');
    await png(64, 32)(join(root, 'x.png'));
    await expectDataError(
      open({ root, crop_size: 16, load_size: 16 }),
      new RegExp(`^${join(root, 'train')} does not exist \\(${root} has no subfolders \\(1 file: x\\.png\\)\\): an aligned dataset needs train/`),
    );
  });

  it('empty split', async () => {
    const root = await makeRoot('empty', { 'notes.txt': (f) => writeFileSync(f, 'hi') });
    await expectDataError(open({ root }), /train has no images \(\.jpg, \.jpeg, \.png, \.webp, \.tif, \.tiff; it has no subfolders \(1 file: notes\.txt\)\): put the A\|B side-by-side images there$/);
    expect(((await open({ root }).catch((e: unknown) => e)) as DataError).kind).toBe('empty-split');
  });

  it('non-image files are skipped, counted and reported once', async () => {
    const root = await makeRoot('mixed-files', {
      'a.png': png(64, 32),
      'README.txt': (f) => writeFileSync(f, 'x'),
      '.DS_Store': (f) => writeFileSync(f, 'x'),
    });
    const warnings: string[] = [];
    const ds = await open({ root, load_size: 32, crop_size: 32 }, 'train', { warn: (m) => warnings.push(m) });
    expect(ds.size).toBe(1);
    expect(warnings).toEqual([`skipped 2 non-image files in ${join(root, 'train')} (.DS_Store, README.txt)`]);
  });

  it('a file that is not an image', async () => {
    const root = await makeRoot('not-image', { 'a.png': png(64, 32), 'b.jpg': (f) => writeFileSync(f, 'this is text') });
    await expectDataError(open({ root }), /train\/b\.jpg is not a readable image \(.+\): replace or delete it$/);
    expect(((await open({ root }).catch((e: unknown) => e)) as DataError).kind).toBe('unreadable');
  });

  it('a truncated image fails when decoded, naming the file', async () => {
    const root = await makeRoot('truncated', {
      'a.jpg': (f) => {
        const bytes = readFileSync(join(FACADES_FIXTURE, 'train', '1.jpg'));
        writeFileSync(f, bytes.subarray(0, bytes.length >> 1));
      },
    });
    const ds = await open({ root });
    await expectDataError(ds.get(0), /train\/a\.jpg is corrupt or truncated \(VipsJpeg: premature end of JPEG image\): replace or delete it$/);
  });

  it('an odd width', async () => {
    const root = await makeRoot('odd', { 'a.png': png(65, 32) });
    await expectDataError(open({ root }), /train\/a\.png is 65×32: an A\|B pair needs an even width \(A = left half, B = right half\); crop or re-export it$/);
  });

  it('mixed sizes where preprocessing keeps them (none), but not with resize_and_crop', async () => {
    const root = await makeRoot('mixed-sizes', { 'a.png': png(64, 32), 'b.png': png(96, 48) });
    await expectDataError(
      open({ root, preprocess: 'none' }),
      /^mixed sizes in .*train: .*b\.png gives 48×48 samples but .*a\.png gives 32×32 \(data\.preprocess=none\): resize the images to one size or use data\.preprocess=resize_and_crop$/,
    );
    const ds = await open({ root, load_size: 40, crop_size: 32 });
    expect([ds.width, ds.height, ds.size]).toEqual([32, 32, 2]);
  });

  it('images smaller than the crop', async () => {
    await expectDataError(
      open({ root: good, preprocess: 'crop', crop_size: 48 }),
      /a\.png has halves of 32×32, smaller than data\.crop_size=48: use data\.preprocess=resize_and_crop or a smaller data\.crop_size$/,
    );
  });

  it('bad option values', async () => {
    await expectDataError(open({ root: good, crop_size: 300, load_size: 286 }), /^data\.crop_size=300 is larger than data\.load_size=286/);
    await expectDataError(open({ root: good, preprocess: 'zoom' as never }), /^data\.preprocess=zoom is not valid: use one of resize_and_crop, crop, scale_width, scale_width_and_crop, none$/);
    await expectDataError(open({ root: good, input_nc: 2 as never }), /^data\.input_nc=2 is not valid: use 1 \(grayscale\) or 3 \(RGB\)$/);
    await expectDataError(createDataset({ dataset: 'shapes', direction: 'BtoA' }, 'train'), /^data\.direction=BtoA is not valid for shapes/);
    await expectDataError(createDataset({ dataset: 'shapes', output_nc: 1 }, 'train'), /^data\.output_nc=1 is not valid for shapes/);
    await expectDataError(createDataset({ dataset: 'shapes', crop_size: 16 }, 'train'), /^data\.crop_size=16 is not valid: use an integer from 32 to 256$/);
    await expectDataError(createDataset({ dataset: 'shapes', max_shapes: 9 }, 'train'), /^data\.max_shapes=9 is not valid: use an integer from 1 to 5$/);
  });

  it('reads jpeg, png and upper-case extensions, sorted by path', async () => {
    const root = await makeRoot('exts', { 'b.PNG': png(64, 32), 'a.JPG': png(64, 32), 'c.jpeg': png(64, 32) });
    copyFileSync(join(root, 'train', 'a.JPG'), join(root, 'train', 'a2.jpg'));
    const ds = await open({ root, load_size: 32, crop_size: 32 });
    expect(ds.size).toBe(4);
    const names = await Promise.all([0, 1, 2, 3].map(async (i) => (await ds.get(i)).source.split('/').pop()));
    expect(names).toEqual(['a.JPG', 'a2.jpg', 'b.PNG', 'c.jpeg']);
  });
});
