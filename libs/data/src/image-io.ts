// Reading and writing single images with sharp. Decoding failures become one-line DataErrors
// that name the file.
import sharp from 'sharp';
import { DataError } from './data-error.js';
import { bytesToUnit, unitToRgbBytes } from './image-convert.js';

/** Raw interleaved bytes of an image. */
export interface ByteImage {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array; // [H*W*C]
}

/** A float image in [-1, 1]; the form tiles and `readImage` use. */
export interface FloatImage {
  width: number;
  height: number;
  channels: number;
  data: Float32Array; // [H*W*C]
}

function firstLine(err: unknown): string {
  const [first = ''] = (err instanceof Error ? err.message : String(err)).split('\n', 1);
  return first.trim();
}

/** Decode any image sharp reads to 8-bit sRGB, alpha dropped (as PIL's convert('RGB')). */
export async function decodeRgb(file: string): Promise<ByteImage> {
  try {
    // failOn 'truncated' rejects truncated JPEG/PNG data instead of filling it with grey.
    const { data, info } = await sharp(file, { failOn: 'truncated' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw new DataError(`${file} is corrupt or truncated (${firstLine(err)}): replace or delete it`, 'unreadable');
  }
}

/** Width and height from the file header, without decoding the pixels. */
export async function readImageSize(file: string): Promise<{ width: number; height: number }> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(file).metadata();
  } catch (err) {
    throw new DataError(`${file} is not a readable image (${firstLine(err)}): replace or delete it`, 'unreadable');
  }
  if (!meta.width || !meta.height) throw new DataError(`${file} has no width/height in its header: replace or delete it`, 'unreadable');
  // EXIF orientation is ignored, as PIL.Image.open does in the official loader.
  return { width: meta.width, height: meta.height };
}

/** Resize bytes to w×h with sharp's bicubic (Catmull-Rom, PIL's BICUBIC); a no-op at the same size. */
export async function resizeBytes(img: ByteImage, width: number, height: number): Promise<ByteImage> {
  if (img.width === width && img.height === height) return img;
  let pipeline = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } }).resize(width, height, {
    fit: 'fill',
    kernel: 'cubic',
  });
  // Without this, sharp writes a 1-channel input back out as 3-channel sRGB.
  if (img.channels === 1) pipeline = pipeline.toColourspace('b-w');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== img.channels) throw new Error(`resize: sharp returned ${info.channels} channels for a ${img.channels}-channel image`);
  return { width, height, channels: img.channels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** Read an image as floats in [-1, 1] with 1 or 3 channels. */
export async function readImage(file: string, channels: 1 | 3 = 3): Promise<FloatImage> {
  const img = await decodeRgb(file);
  return { width: img.width, height: img.height, channels, data: bytesToUnit(img.data, 3, channels) };
}

/** Write RGB (or grayscale) bytes as a PNG. */
export async function writePngBytes(file: string, img: ByteImage): Promise<void> {
  await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } })
    .png({ compressionLevel: 6 })
    .toFile(file);
}

/** Write one float image in [-1, 1] as a PNG. */
export async function writeImage(file: string, img: FloatImage): Promise<void> {
  await writePngBytes(file, { width: img.width, height: img.height, channels: 3, data: unitToRgbBytes(img.data, img.channels) });
}
