// THE image writer of the workbench: a grid of [-1, 1] images (tensors or float arrays,
// grayscale or RGB) with optional row/column labels and captions, saved as a PNG with sharp.
// Training visuals, evaluation grids and `workbench data preview` all go through it.
import * as tf from '@tensorflow/tfjs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { unitToRgbBytes } from './image-convert.js';
import type { FloatImage } from './image-io.js';
import type { Rgb } from './palette.js';

/** A tile: [H,W,C] or [1,H,W,C] tensor, or a FloatImage; values in [-1, 1], C = 1 or 3. */
export type GridImage = tf.Tensor3D | tf.Tensor4D | FloatImage;

/** A row: a [N,H,W,C] tensor (N tiles), a list of tiles, or either with a label and captions. */
export type GridRow =
  | tf.Tensor4D
  | ReadonlyArray<GridImage | null>
  | { label?: string; images: tf.Tensor4D | ReadonlyArray<GridImage | null>; captions?: ReadonlyArray<string | undefined> };

export interface GridOptions {
  /** Pixels between tiles (default 2). */
  padding?: number;
  /** Integer nearest-neighbour upscaling of every tile, for small images (default 1). */
  scale?: number;
  /** Canvas colour (default light grey, so that white images keep visible edges). */
  background?: Rgb;
  /** Text above each column. */
  columnLabels?: ReadonlyArray<string>;
  /** Text left of each row (a row's own `label` wins). */
  rowLabels?: ReadonlyArray<string>;
  /** Text above everything. */
  title?: string;
}

interface Tile {
  width: number;
  height: number;
  rgb: Uint8Array; // [H*W*3]
}

function toTile(img: GridImage): Tile {
  if (img instanceof tf.Tensor) {
    const shape = img.shape;
    const [h, w, c] = shape.length === 4 ? shape.slice(1) : shape;
    if (h === undefined || w === undefined || (shape.length === 4 && shape[0] !== 1) || (c !== 1 && c !== 3))
      throw new Error(`writeImageGrid: a tile must be [H,W,C] or [1,H,W,C] with C = 1 or 3, got [${shape.join(',')}]`);
    return { width: w, height: h, rgb: unitToRgbBytes(img.dataSync() as Float32Array, c) };
  }
  return { width: img.width, height: img.height, rgb: unitToRgbBytes(img.data, img.channels) };
}

function rowTiles(images: tf.Tensor4D | ReadonlyArray<GridImage | null>): Array<Tile | null> {
  if (images instanceof tf.Tensor) {
    const [n, h, w, c] = images.shape;
    const data = images.dataSync() as Float32Array;
    const per = h * w * c;
    return Array.from({ length: n }, (_, i) => ({ width: w, height: h, rgb: unitToRgbBytes(data.subarray(i * per, (i + 1) * per), c) }));
  }
  return images.map((im) => (im ? toTile(im) : null));
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch]!);
}

const FONT_PX = 12;
const TEXT_BAND = 16;
const CHAR_PX = 7; // a generous average advance of DejaVu Sans at 12 px
const MIN_FONT_PX = 7;

/** A column label fitted inside its column so neighbours never overlap: wrapped at spaces, and
 *  set smaller (down to 7 px) when a word is still wider than the column. */
interface FittedLabel {
  lines: string[];
  fontPx: number;
}

function fitLabel(label: string, columnWidth: number): FittedLabel {
  const advance = (px: number) => (CHAR_PX * px) / FONT_PX;
  const fits = (text: string, px: number) => text.length * advance(px) <= columnWidth;
  if (fits(label, FONT_PX)) return { lines: [label], fontPx: FONT_PX };
  const lines: string[] = [];
  for (const word of label.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && fits(`${last} ${word}`, FONT_PX)) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const longest = Math.max(...lines.map((l) => l.length));
  const fontPx = Math.max(MIN_FONT_PX, Math.min(FONT_PX, Math.floor((columnWidth / (longest * CHAR_PX)) * FONT_PX)));
  return { lines, fontPx };
}

/** Where a column of the grid goes, and its fitted label (if any). */
interface GridColumn {
  x: number;
  width: number;
  head: FittedLabel | undefined;
}

const lineHeight = (fontPx: number) => Math.ceil(fontPx * 1.25);

/** Render `rows` to a PNG at `path` (parent folders are created). */
export async function writeImageGrid(path: string, rows: ReadonlyArray<GridRow>, opts: GridOptions = {}): Promise<void> {
  const png = await renderImageGrid(rows, opts);
  mkdirSync(dirname(path), { recursive: true });
  await sharp(png).toFile(path);
}

/** The same grid as PNG bytes. */
export async function renderImageGrid(rows: ReadonlyArray<GridRow>, opts: GridOptions = {}): Promise<Buffer> {
  const pad = opts.padding ?? 2;
  const scale = Math.max(1, Math.floor(opts.scale ?? 1));
  const bgc = opts.background ?? [224, 224, 224];
  const parsed = rows.map((r, i) => {
    const isObj = !(r instanceof tf.Tensor) && !Array.isArray(r);
    const o = r as { label?: string; images: tf.Tensor4D | GridImage[]; captions?: string[] };
    return {
      tiles: rowTiles(isObj ? o.images : (r as tf.Tensor4D | GridImage[])),
      label: (isObj ? o.label : undefined) ?? opts.rowLabels?.[i],
      captions: isObj ? (o.captions ?? []) : [],
    };
  });
  const nCols = Math.max(0, ...parsed.map((r) => r.tiles.length), opts.columnLabels?.length ?? 0);
  if (parsed.length === 0 || nCols === 0) throw new Error('writeImageGrid: nothing to draw (no rows or no tiles)');
  const labelW = parsed.some((r) => r.label) ? Math.max(...parsed.map((r) => (r.label ?? '').length)) * CHAR_PX + 6 : 0;
  const titleH = opts.title ? TEXT_BAND + 2 : 0;
  // Columns left to right: x, width, and the fitted label above (nCols counts every label).
  const columns: GridColumn[] = [];
  let x = pad + labelW;
  for (let c = 0; c < nCols; c++) {
    const w = Math.max(1, ...parsed.map((r) => (r.tiles[c]?.width ?? 0) * scale));
    const label = opts.columnLabels?.[c];
    columns.push({ x, width: w, head: label === undefined ? undefined : fitLabel(label, w) });
    x += w + pad;
  }
  const width = x;
  const heads = columns.flatMap((col) => (col.head ? [col.head] : []));
  const headH = heads.length ? Math.max(TEXT_BAND, ...heads.map((f) => f.lines.length * lineHeight(f.fontPx) + 4)) : 0;
  // Rows top to bottom: y and tile height; a caption band below rows that have captions.
  let y = pad + titleH + headH;
  const laidRows = parsed.map((r) => {
    const rowY = y;
    const rowH = Math.max(1, ...r.tiles.map((t) => (t?.height ?? 0) * scale));
    y += rowH + (r.captions.some((c) => c) ? TEXT_BAND : 0) + pad;
    return { ...r, y: rowY, height: rowH };
  });
  const height = y;

  const canvas = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    canvas[p * 3] = bgc[0];
    canvas[p * 3 + 1] = bgc[1];
    canvas[p * 3 + 2] = bgc[2];
  }
  for (const r of laidRows)
    columns.forEach((col, c) => {
      const t = r.tiles[c];
      if (!t) return;
      for (let ty = 0; ty < t.height * scale; ty++) {
        const srcRow = Math.floor(ty / scale) * t.width;
        const dst = ((r.y + ty) * width + col.x) * 3;
        for (let tx = 0; tx < t.width * scale; tx++) {
          const s = (srcRow + Math.floor(tx / scale)) * 3;
          canvas[dst + tx * 3] = t.rgb[s]!;
          canvas[dst + tx * 3 + 1] = t.rgb[s + 1]!;
          canvas[dst + tx * 3 + 2] = t.rgb[s + 2]!;
        }
      }
    });

  const texts: string[] = [];
  const text = (tx: number, ty: number, s: string, anchor: 'start' | 'middle' = 'start', fontPx = FONT_PX) =>
    texts.push(`<text x="${tx}" y="${ty}" text-anchor="${anchor}"${fontPx === FONT_PX ? '' : ` font-size="${fontPx}"`}>${escapeXml(s)}</text>`);
  if (opts.title) text(pad, pad + FONT_PX, opts.title);
  for (const { x: colX, width: colW, head } of columns)
    head?.lines.forEach((line, k) => text(colX + colW / 2, pad + titleH + head.fontPx + k * lineHeight(head.fontPx), line, 'middle', head.fontPx));
  for (const r of laidRows) {
    if (r.label) text(pad, r.y + r.height / 2 + FONT_PX / 2 - 1, r.label);
    columns.forEach((col, c) => {
      const cap = r.captions[c];
      if (cap) text(col.x + col.width / 2, r.y + r.height + FONT_PX, cap, 'middle');
    });
  }

  let img = sharp(canvas, { raw: { width, height, channels: 3 } });
  if (texts.length > 0) {
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `<g font-family="DejaVu Sans, Arial, sans-serif" font-size="${FONT_PX}" fill="#202020">${texts.join('')}</g></svg>`;
    img = img.composite([{ input: Buffer.from(svg), top: 0, left: 0 }]);
  }
  return img.png({ compressionLevel: 6 }).toBuffer();
}
