// The group grid's format: flat-colour grids stay PNG, a photographic one (noise here) becomes a
// much smaller JPEG, and both keep the stacked panels' size.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { GRID_PNG_MAX_BYTES, stackGrids } from './group-grid.js';

const dir = mkdtempSync(join(tmpdir(), 'group-grid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A w×h PNG: flat blocks of colour, or per-pixel noise (which compresses like a photograph, badly). */
async function panel(name: string, w: number, h: number, noise: boolean): Promise<string> {
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, h);
  let s = 7;
  for (let i = 0; i < w * h; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = noise ? s >>> 24 : ((i % w) >> 5) * 40;
    img.data.set([v, noise ? (s >>> 16) & 255 : 90, noise ? (s >>> 8) & 255 : 200, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  const path = join(dir, name);
  writeFileSync(path, await canvas.encode('png'));
  return path;
}

describe('stackGrids', () => {
  it('keeps a flat-colour grid as PNG', async () => {
    const g = await stackGrids('flat', [{ caption: 'seed 0', path: await panel('flat.png', 600, 300, false) }]);
    expect(g.ext).toBe('png');
    expect(g.data.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('writes a photographic grid as a JPEG far below the PNG limit, at the stacked size', async () => {
    const g = await stackGrids('photos', [{ caption: 'seed 0', path: await panel('noise.png', 900, 500, true) }]);
    expect(g.ext).toBe('jpg');
    expect([g.data[0], g.data[1]]).toEqual([0xff, 0xd8]); // JPEG SOI
    expect(g.data.length).toBeLessThan(GRID_PNG_MAX_BYTES);
    const im = await loadImage(g.data);
    expect(im.width).toBe(900 + 16);
    expect(im.height).toBeGreaterThan(500);
  });
});
