// Finding the images of one split of a pix2pix aligned dataset: root/<split>/**/*.{jpg,jpeg,png},
// sorted by path as the official make_dataset does. Symlinked folders count as folders (datasets
// are often linked in from a shared disk), and every error says what the folder holds instead.
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

/** Is `p` a folder, following symlinks (a dangling link is not)? */
function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function walk(dir: string, out: string[], seen: Set<string>): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() || (e.isSymbolicLink() && isDir(p))) {
      // A link back up the tree would recurse forever: visit each real folder once.
      const id = `${statSync(p).dev}:${statSync(p).ino}`;
      if (seen.has(id)) continue;
      seen.add(id);
      walk(p, out, seen);
    } else if (e.isFile() || e.isSymbolicLink()) out.push(p);
  }
}

function listed(names: string[], max = 5): string {
  return names.slice(0, max).join(', ') + (names.length > max ? `, ... (${names.length} in all)` : '');
}

/** What a folder holds, for error messages: "subfolders train, val", "no subfolders (3 files: a, b, c)", "nothing". */
export function folderContents(dir: string): string {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (err) {
    return `nothing readable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (entries.length === 0) return 'nothing (it is empty)';
  const dirs = entries.filter((e) => isDir(join(dir, e)));
  const files = entries.filter((e) => !dirs.includes(e));
  const parts: string[] = [];
  parts.push(dirs.length ? `subfolders ${listed(dirs)}` : 'no subfolders');
  if (files.length) parts.push(`${files.length} file${files.length > 1 ? 's' : ''}: ${listed(files)}`);
  return dirs.length ? parts.join('; ') : `${parts[0]} (${parts[1]})`;
}

export function listSplitImages(root: string, split: string): SplitFiles {
  const absRoot = resolve(root);
  if (!isDir(absRoot))
    throw new DataError(`data.root ${absRoot} does not exist or is not a folder: pass data.root=<folder containing train/ and test/>`, 'missing-root');
  const dir = join(absRoot, split);
  if (!isDir(dir))
    throw new DataError(
      `${dir} does not exist (${absRoot} has ${folderContents(absRoot)}): an aligned dataset needs ${split}/ with A|B images`,
      'missing-split',
    );
  const all: string[] = [];
  walk(dir, all, new Set([`${statSync(dir).dev}:${statSync(dir).ino}`]));
  all.sort();
  const images: string[] = [];
  const skipped: string[] = [];
  for (const f of all) {
    if ((IMAGE_EXTENSIONS as readonly string[]).includes(extname(f).toLowerCase())) images.push(f);
    else skipped.push(relative(dir, f));
  }
  if (images.length === 0)
    throw new DataError(
      `${dir} has no images (${IMAGE_EXTENSIONS.join(', ')}; it has ${folderContents(dir)}): put the A|B side-by-side images there`,
      'empty-split',
    );
  return { dir, images, skipped };
}
