// Finding the images of one split of a pix2pix aligned dataset: root/<split>/**/*.{jpg,jpeg,png},
// sorted by path as the official make_dataset does.
import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { DataError } from './data-error.js';

/** Extensions sharp decodes and the official loader accepts (case-insensitive). */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff'] as const;

export interface SplitFiles {
  dir: string;
  /** Image files, sorted by path. */
  images: string[];
  /** Files skipped because their extension is not an image extension (paths relative to dir). */
  skipped: string[];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile() || e.isSymbolicLink()) out.push(p);
  }
}

export function listSplitImages(root: string, split: string): SplitFiles {
  const absRoot = resolve(root);
  if (!isDir(absRoot))
    throw new DataError(`data.root ${absRoot} does not exist or is not a folder: pass data.root=<folder containing train/ and test/>`);
  const dir = join(absRoot, split);
  if (!isDir(dir)) {
    const present = readdirSync(absRoot, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    throw new DataError(
      `${dir} does not exist (${absRoot} has ${present.length ? present.join(', ') : 'no subfolders'}): an aligned dataset needs ${split}/ with A|B images`,
    );
  }
  const all: string[] = [];
  walk(dir, all);
  all.sort();
  const images: string[] = [];
  const skipped: string[] = [];
  for (const f of all) {
    if ((IMAGE_EXTENSIONS as readonly string[]).includes(extname(f).toLowerCase())) images.push(f);
    else skipped.push(relative(dir, f));
  }
  if (images.length === 0)
    throw new DataError(
      `${dir} has no images (${IMAGE_EXTENSIONS.join(', ')}${skipped.length ? `; ${skipped.length} other files` : ''}): put the A|B side-by-side images there`,
    );
  return { dir, images, skipped };
}
