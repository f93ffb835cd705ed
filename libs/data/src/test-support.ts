// Helpers for this library's tests: temporary folders of synthetic A|B images. Not exported.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

/** The facades fixture: 8 train, 4 test pairs of 512×256 (photo | labels). */
export const FACADES_FIXTURE = fileURLToPath(new URL('../../../fixtures/facades', import.meta.url));

export function tempDir(prefix = 'workbench-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Write an RGB image whose pixel (x, y) is `fn(x, y)`. Format from the extension. */
export async function writeSynthetic(file: string, width: number, height: number, fn: (x: number, y: number) => [number, number, number]): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = fn(x, y);
      data[(y * width + x) * 3] = r;
      data[(y * width + x) * 3 + 1] = g;
      data[(y * width + x) * 3 + 2] = b;
    }
  const img = sharp(data, { raw: { width, height, channels: 3 } });
  if (file.endsWith('.png')) await img.png().toFile(file);
  else await img.jpeg({ quality: 95 }).toFile(file);
}

/**
 * A pair whose halves encode pixel positions: A(x, y) = (x, y, 60), B(x, y) = (255 - x, y, 200),
 * so any crop/flip of A tells where B must have come from.
 */
export function positionPair(halfWidth: number): (x: number, y: number) => [number, number, number] {
  return (x, y) => (x < halfWidth ? [x, y, 60] : [255 - (x - halfWidth), y, 200]);
}
