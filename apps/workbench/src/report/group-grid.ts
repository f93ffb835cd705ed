// One sample grid per group of seeds for `workbench report`: the runs' own grid PNGs (eval grid,
// else the newest training grid) stacked under a caption each, on one canvas. Flat-colour grids
// (the shapes data) stay PNG; a grid of photographs (facades) is ~2 MB as PNG and goes to JPEG.
import { createCanvas, loadImage, type Image } from '@napi-rs/canvas';

export interface GridPanel {
  caption: string;
  /** PNG file of one run's grid */
  path: string;
}

const CAPTION_H = 22;
const GAP = 8;
/** A grid whose PNG is larger than this is written as JPEG (photographic content). */
export const GRID_PNG_MAX_BYTES = 512 * 1024;
const JPEG_QUALITY = 85;

export interface EncodedGrid {
  data: Buffer;
  ext: 'png' | 'jpg';
}

/** `title` over the panels stacked vertically (each at its own size, left-aligned): PNG, or JPEG when the PNG is too large. */
export async function stackGrids(title: string, panels: GridPanel[]): Promise<EncodedGrid> {
  const images: Image[] = [];
  for (const p of panels) images.push(await loadImage(p.path));
  const width = Math.max(360, ...images.map((im) => im.width)) + 2 * GAP;
  const height = CAPTION_H + GAP + images.reduce((h, im) => h + CAPTION_H + im.height + GAP, 0);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#111111';
  ctx.font = 'bold 15px sans-serif';
  ctx.fillText(title, GAP, 16);
  let y = CAPTION_H + GAP;
  ctx.font = '13px sans-serif';
  images.forEach((im, i) => {
    ctx.fillStyle = '#333333';
    ctx.fillText(panels[i]?.caption ?? '', GAP, y + 15);
    ctx.drawImage(im, GAP, y + CAPTION_H);
    y += CAPTION_H + im.height + GAP;
  });
  const png = await canvas.encode('png');
  if (png.length <= GRID_PNG_MAX_BYTES) return { data: png, ext: 'png' };
  return { data: await canvas.encode('jpeg', JPEG_QUALITY), ext: 'jpg' };
}
