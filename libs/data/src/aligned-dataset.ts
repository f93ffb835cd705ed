// pix2pix "aligned" folders: each image holds A (left half) and B (right half). Mirrors the
// official data/aligned_dataset.py, with every user mistake reported as a one-line DataError
// before training starts (headers of all files are read when the dataset opens).
import { listSplitImages } from './aligned-files.js';
import type { DataConfig, Split } from './data-config.js';
import { DataError } from './data-error.js';
import { bytesToUnit, rgbToGray } from './image-convert.js';
import { decodeRgb, readImageSize, resizeBytes, type ByteImage } from './image-io.js';
import type { PairedDataset, Sample } from './paired-dataset.js';
import { cropFlipBytes, cropsAfterResize, drawCropFlip, outputSize, resizedSize } from './preprocess.js';
import type { Rng } from '@workbench/random';

export interface AlignedOptions {
  /** Memory for decoded, resized pairs; default 512 MiB or env WORKBENCH_DATA_CACHE_MB. */
  cacheBytes?: number;
  /** Where warnings go (skipped files); default console.warn. */
  warn?: (message: string) => void;
}

/** One A|B file and the size its header gives (checked again when it is decoded). */
interface ImageHeader {
  file: string;
  width: number;
  height: number;
}

interface ResizedPair {
  input: ByteImage; // the model input side, resized, input_nc channels
  target: ByteImage; // the target side, resized, output_nc channels
}

function defaultCacheBytes(): number {
  const mb = Number(process.env.WORKBENCH_DATA_CACHE_MB);
  return (Number.isFinite(mb) && mb >= 0 ? mb : 512) * 1024 * 1024;
}

/** Run `fn` over items with at most `limit` in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  // One iterator shared by all workers: each takes the next item when it is free.
  const queue = items.entries();
  const worker = async () => {
    for (const [i, item] of queue) out[i] = await fn(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function sizeText(w: number, h: number): string {
  return `${w}×${h}`;
}

/** Check one file's header size against the options; returns the half-image size. */
function checkPairSize(cfg: DataConfig, file: string, width: number, height: number): { w: number; h: number } {
  if (width % 2 !== 0)
    throw new DataError(
      `${file} is ${sizeText(width, height)}: an A|B pair needs an even width (A = left half, B = right half); crop or re-export it`,
    );
  const w = width / 2;
  if (cfg.preprocess === 'crop' && (w < cfg.crop_size || height < cfg.crop_size))
    throw new DataError(
      `${file} has halves of ${sizeText(w, height)}, smaller than data.crop_size=${cfg.crop_size}: use data.preprocess=resize_and_crop or a smaller data.crop_size`,
    );
  return { w, h: height };
}

export async function openAlignedDataset(cfg: DataConfig, split: Split, opts: AlignedOptions = {}): Promise<AlignedDataset> {
  const { dir, images, skipped } = listSplitImages(cfg.root, split);
  if (skipped.length > 0) {
    const warn = opts.warn ?? ((m: string) => console.warn(`warning: ${m}`));
    const shown = skipped.slice(0, 3).join(', ') + (skipped.length > 3 ? ', ...' : '');
    warn(`skipped ${skipped.length} non-image file${skipped.length > 1 ? 's' : ''} in ${dir} (${shown})`);
  }
  const headers = await mapLimit(images, 16, async (file): Promise<ImageHeader> => ({ file, ...(await readImageSize(file)) }));
  let ref: { file: string; w: number; h: number } | undefined;
  for (const { file, width, height } of headers) {
    const half = checkPairSize(cfg, file, width, height);
    const out = outputSize(cfg, half.w, half.h);
    if (!ref) {
      ref = { file, w: out.width, h: out.height };
    } else if (out.width !== ref.w || out.height !== ref.h) {
      throw new DataError(
        `mixed sizes in ${dir}: ${file} gives ${sizeText(out.width, out.height)} samples but ${ref.file} gives ${sizeText(ref.w, ref.h)} ` +
          `(data.preprocess=${cfg.preprocess}): resize the images to one size or use data.preprocess=resize_and_crop`,
      );
    }
  }
  return new AlignedDataset(cfg, split, headers, ref!.w, ref!.h, opts.cacheBytes ?? defaultCacheBytes());
}

export class AlignedDataset implements PairedDataset {
  readonly name: string;
  readonly size: number;
  /** The A|B files, in dataset index order. */
  readonly files: readonly string[];
  readonly inputNc: number;
  readonly outputNc: number;
  private readonly cache = new Map<number, ResizedPair>();
  private readonly inflight = new Map<number, Promise<ResizedPair>>();
  private cachedBytes = 0;

  constructor(
    private readonly cfg: DataConfig,
    readonly split: Split,
    private readonly headers: readonly ImageHeader[],
    readonly width: number,
    readonly height: number,
    private readonly cacheBudget: number,
  ) {
    this.name = `aligned:${cfg.root}`;
    this.files = headers.map((h) => h.file);
    this.size = headers.length;
    this.inputNc = cfg.input_nc;
    this.outputNc = cfg.output_nc;
  }

  /** Bytes of decoded images held in memory. */
  get cacheSize(): number {
    return this.cachedBytes;
  }

  async get(i: number, rng?: Rng): Promise<Sample> {
    // Also undefined for a negative or fractional i.
    const header = this.headers[i];
    if (!header) throw new DataError(`sample ${i} does not exist: ${this.name} ${this.split} has ${this.size} images`);
    const pair = await this.loadResized(i, header);
    // One draw for the pair: A and B get the same crop and the same flip.
    const p = drawCropFlip(this.cfg, pair.input.width, pair.input.height, rng);
    const a = cropFlipBytes(pair.input, p);
    const b = cropFlipBytes(pair.target, p);
    return {
      index: i,
      height: p.height,
      width: p.width,
      A: bytesToUnit(a.data, a.channels, a.channels),
      B: bytesToUnit(b.data, b.channels, b.channels),
      source: header.file,
    };
  }

  private loadResized(i: number, header: ImageHeader): Promise<ResizedPair> {
    const hit = this.cache.get(i);
    if (hit) return Promise.resolve(hit);
    let p = this.inflight.get(i);
    if (!p) {
      p = this.decodeAndResize(i, header).finally(() => this.inflight.delete(i));
      this.inflight.set(i, p);
    }
    return p;
  }

  private async decodeAndResize(i: number, hdr: ImageHeader): Promise<ResizedPair> {
    const { file } = hdr;
    const img = await decodeRgb(file);
    if (img.width !== hdr.width || img.height !== hdr.height)
      throw new DataError(`${file} decodes to ${sizeText(img.width, img.height)} but its header says ${sizeText(hdr.width, hdr.height)}: re-export it`, 'unreadable');
    const half = checkPairSize(this.cfg, file, img.width, img.height);
    const [left, right] = splitHalves(img);
    // The model input is the left half for AtoB, the right half for BtoA.
    const [inSide, outSide] = this.cfg.direction === 'AtoB' ? [left, right] : [right, left];
    const size = resizedSize(this.cfg, half.w, half.h);
    // Grayscale comes first, as in the official get_transform.
    const input = await resizeBytes(toChannels(inSide, this.cfg.input_nc), size.width, size.height);
    const target = await resizeBytes(toChannels(outSide, this.cfg.output_nc), size.width, size.height);
    const pair = { input, target };
    const bytes = input.data.length + target.data.length;
    if (this.cachedBytes + bytes <= this.cacheBudget) {
      this.cache.set(i, pair);
      this.cachedBytes += bytes;
    }
    return pair;
  }

  /** True when crops are random (training); false for preprocess=none/scale_width. */
  get crops(): boolean {
    return cropsAfterResize(this.cfg);
  }

  dispose(): void {
    this.cache.clear();
    this.cachedBytes = 0;
  }
}

/** The left (A) and right (B) halves of an A|B image. */
export function splitHalves(img: ByteImage): [ByteImage, ByteImage] {
  const w = img.width / 2;
  const c = img.channels;
  const left = new Uint8Array(w * img.height * c);
  const right = new Uint8Array(w * img.height * c);
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width * c;
    left.set(img.data.subarray(row, row + w * c), y * w * c);
    right.set(img.data.subarray(row + w * c, row + 2 * w * c), y * w * c);
  }
  return [
    { width: w, height: img.height, channels: c, data: left },
    { width: w, height: img.height, channels: c, data: right },
  ];
}

function toChannels(img: ByteImage, nc: 1 | 3): ByteImage {
  if (nc === img.channels) return img;
  return { ...img, channels: 1, data: rgbToGray(img.data) };
}
