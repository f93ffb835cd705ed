// Write a dataset in the pix2pix aligned format (A | B side by side, lossless PNG), so it can go
// through the folder loader here and through other implementations (the official code).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PairedDataset } from './paired-dataset.js';
import { unitToRgbBytes } from './image-convert.js';
import { writePngBytes } from './image-io.js';

export interface ExportResult {
  dir: string;
  files: number;
}

/** File name of sample i: zero-padded so that the official sorted() order is the index order. */
export function exportFileName(i: number, total: number): string {
  return `${String(i + 1).padStart(Math.max(4, String(total).length), '0')}.png`;
}

/**
 * Write every sample of `ds` (no augmentation) to `<outRoot>/<split>/NNNN.png`; shapes metadata
 * (modes, layout, palette; not the masks, which the layout reproduces) goes to
 * `<outRoot>/<split>-meta.jsonl`, one line per file.
 */
export async function exportAligned(ds: PairedDataset, outRoot: string, onProgress?: (done: number, total: number) => void): Promise<ExportResult> {
  const dir = join(outRoot, ds.split);
  mkdirSync(dir, { recursive: true });
  const metaLines: string[] = [];
  for (let i = 0; i < ds.size; i++) {
    const s = await ds.get(i);
    const w = s.width;
    const h = s.height;
    const a = unitToRgbBytes(s.A, s.A.length / (w * h));
    const b = unitToRgbBytes(s.B, s.B.length / (w * h));
    const ab = new Uint8Array(h * w * 2 * 3);
    for (let y = 0; y < h; y++) {
      ab.set(a.subarray(y * w * 3, (y + 1) * w * 3), y * w * 6);
      ab.set(b.subarray(y * w * 3, (y + 1) * w * 3), y * w * 6 + w * 3);
    }
    const name = exportFileName(i, ds.size);
    await writePngBytes(join(dir, name), { width: 2 * w, height: h, channels: 3, data: ab });
    if (s.meta) {
      const { shapes, backgroundMode, palette, logProbBGivenA } = s.meta;
      metaLines.push(JSON.stringify({ file: `${ds.split}/${name}`, index: i, shapes, backgroundMode, palette, logProbBGivenA }));
    }
    onProgress?.(i + 1, ds.size);
  }
  if (metaLines.length > 0) writeFileSync(join(outRoot, `${ds.split}-meta.jsonl`), metaLines.join('\n') + '\n');
  return { dir, files: ds.size };
}
