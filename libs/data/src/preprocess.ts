// The official pix2pix/BicycleGAN preprocessing (data/base_dataset.py: get_params,
// get_transform), split into a deterministic part (resize, cached) and a random part (crop
// position and flip, drawn once per pair and applied to A and B alike).
import type { DataConfig } from './data-config.js';
import type { ByteImage } from './image-io.js';
import type { Rng } from '@workbench/random';

type PreprocessCfg = Pick<DataConfig, 'preprocess' | 'load_size' | 'crop_size' | 'no_flip'>;

/** Size after the deterministic resize step, from one half's size (w, h). */
export function resizedSize(cfg: PreprocessCfg, w: number, h: number): { width: number; height: number } {
  switch (cfg.preprocess) {
    case 'resize_and_crop':
      return { width: cfg.load_size, height: cfg.load_size };
    case 'scale_width':
    case 'scale_width_and_crop': {
      // __scale_width: width = load_size, height keeps the aspect ratio but never below crop_size.
      if (w === cfg.load_size && h >= cfg.crop_size) return { width: w, height: h };
      return { width: cfg.load_size, height: Math.trunc(Math.max((cfg.load_size * h) / w, cfg.crop_size)) };
    }
    case 'crop':
      return { width: w, height: h };
    case 'none':
      // __make_power_2(base=4): round each side to a multiple of 4 (Python round: half to even).
      return { width: roundHalfEven(w / 4) * 4, height: roundHalfEven(h / 4) * 4 };
  }
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function cropsAfterResize(cfg: PreprocessCfg): boolean {
  return cfg.preprocess === 'resize_and_crop' || cfg.preprocess === 'crop' || cfg.preprocess === 'scale_width_and_crop';
}

/** Final sample size from one half's size. */
export function outputSize(cfg: PreprocessCfg, w: number, h: number): { width: number; height: number } {
  const r = resizedSize(cfg, w, h);
  if (!cropsAfterResize(cfg)) return r;
  return { width: Math.min(r.width, cfg.crop_size), height: Math.min(r.height, cfg.crop_size) };
}

export interface CropFlip {
  x: number;
  y: number;
  width: number;
  height: number;
  flip: boolean;
}

/**
 * The random parameters of one pair, in the official order: x, y, then flip (p = 0.5).
 * Without an rng: centred crop, no flip.
 */
export function drawCropFlip(cfg: PreprocessCfg, resizedW: number, resizedH: number, rng?: Rng): CropFlip {
  const crop = cropsAfterResize(cfg);
  const width = crop ? Math.min(resizedW, cfg.crop_size) : resizedW;
  const height = crop ? Math.min(resizedH, cfg.crop_size) : resizedH;
  const maxX = resizedW - width;
  const maxY = resizedH - height;
  if (!rng) return { x: maxX >> 1, y: maxY >> 1, width, height, flip: false };
  const x = rng.int(maxX + 1);
  const y = rng.int(maxY + 1);
  const flip = rng.uniform() > 0.5;
  return { x, y, width, height, flip: flip && !cfg.no_flip };
}

/** Crop (and mirror horizontally) bytes: [H,W,C] -> [h,w,C]. */
export function cropFlipBytes(img: ByteImage, p: CropFlip): ByteImage {
  const c = img.channels;
  const out = new Uint8Array(p.width * p.height * c);
  for (let y = 0; y < p.height; y++) {
    const srcRow = (p.y + y) * img.width;
    const dstRow = y * p.width;
    for (let x = 0; x < p.width; x++) {
      const sx = p.flip ? p.x + p.width - 1 - x : p.x + x;
      const s = (srcRow + sx) * c;
      const d = (dstRow + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = img.data[s + k]!;
    }
  }
  return { width: p.width, height: p.height, channels: img.channels, data: out };
}
