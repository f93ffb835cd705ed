// One sample grid per group of seeds for `workbench report`: the runs' own grid PNGs (eval grid,
// else the newest training grid) stacked under a caption each, on one canvas.
import { createCanvas, loadImage, type Image } from '@napi-rs/canvas';

export interface GridPanel {
  caption: string;
  /** PNG file of one run's grid */
  path: string;
}

const CAPTION_H = 22;
const GAP = 8;

/** PNG of `title` over the panels stacked vertically (each at its own size, left-aligned). */
export async function stackGrids(title: string, panels: GridPanel[]): Promise<Buffer> {
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
  return canvas.encode('png');
}
