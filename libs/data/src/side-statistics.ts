// How much one half of an A|B pair looks like a label map or an edge map rather than a photo.
// Label maps (facades) are a few flat colours, edge maps (edges2shoes) are nearly binary; photos
// have many colours and texture everywhere. Computed on the decoded file (before any resize, which
// would blur the flat regions' borders into new colours). Measured on 8 facades train pairs:
// labels 83 % flat, photos 39 %; edge density 4 % vs 16 %.
import { lumaByte } from './image-convert.js';
import type { ByteImage } from './image-io.js';

export interface SideStatistics {
  /**
   * Colours (3 bits per channel) covering 95 % of the flat pixels. Reported, not used by the
   * direction check: facades photos (median 20 over 8 pairs) are as few-coloured as its labels (25).
   */
  colours95: number;
  /** Fraction of pixels whose luma is within 10 % of black or white. Edge maps: > 0.9. */
  nearBinary: number;
  /** Fraction of pixels whose right and lower neighbours differ by at most 6 (luma). Labels, edges: ~0.8 and more. */
  flat: number;
  /** Fraction of pixels with a luma gradient above 48 (|dx| + |dy|): contours. */
  edgeDensity: number;
}

export function sideStatistics(img: ByteImage): SideStatistics {
  const { width: w, height: h, channels: c, data } = img;
  const n = w * h;
  const luma = new Uint8Array(n);
  for (let p = 0; p < n; p++) luma[p] = c === 3 ? lumaByte(data[p * 3]!, data[p * 3 + 1]!, data[p * 3 + 2]!) : data[p]!;
  // Colours are counted on flat pixels only: JPEG ringing at a label map's borders would
  // otherwise add dozens of colours that are not there.
  const bins = new Uint32Array(512);
  let nearBinary = 0;
  let flat = 0;
  let edges = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const v = luma[p]!;
      if (v <= 25 || v >= 230) nearBinary++;
      const dx = x + 1 < w ? Math.abs(luma[p + 1]! - v) : 0;
      const dy = y + 1 < h ? Math.abs(luma[p + w]! - v) : 0;
      if (dx <= 6 && dy <= 6) {
        flat++;
        const [r, g, b] = c === 3 ? [data[p * 3]!, data[p * 3 + 1]!, data[p * 3 + 2]!] : [v, v, v];
        bins[((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5)]!++;
      }
      if (dx + dy > 48) edges++;
    }
  }
  const counts = Array.from(bins).filter((k) => k > 0).sort((a, b) => b - a);
  let covered = 0;
  let colours95 = 0;
  for (const k of counts) {
    if (covered >= 0.95 * flat) break;
    covered += k;
    colours95++;
  }
  return { colours95, nearBinary: nearBinary / n, flat: flat / n, edgeDensity: edges / n };
}

/** Mean of the statistics of several images (colours95: the median, robust to one busy image). */
export function meanSideStatistics(all: readonly SideStatistics[]): SideStatistics {
  const mean = (f: (s: SideStatistics) => number) => all.reduce((a, s) => a + f(s), 0) / all.length;
  const colours = all.map((s) => s.colours95).sort((a, b) => a - b);
  return {
    colours95: colours[Math.floor(colours.length / 2)] ?? NaN, // no images: NaN, as the means
    nearBinary: mean((s) => s.nearBinary),
    flat: mean((s) => s.flat),
    edgeDensity: mean((s) => s.edgeDensity),
  };
}
