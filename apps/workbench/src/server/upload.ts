// Guide-image uploads: size-limited raw bodies, type-checked by magic bytes (PNG or JPEG only,
// whatever the client claims), then decoded by sharp with a pixel limit (no decompression bombs).
import sharp from 'sharp';
import { HttpError, badRequest } from './http-error.js';

export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const MAX_PIXELS = 4096 * 4096;

export function sniffImageType(buf: Buffer): 'png' | 'jpeg' | null {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
  return null;
}

export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Decode an uploaded PNG/JPEG to RGB bytes, or throw a 4xx naming the problem. */
export async function decodeUpload(body: unknown): Promise<DecodedImage> {
  if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('send the image as the request body (content-type image/png or image/jpeg)');
  if (body.length > MAX_UPLOAD_BYTES) throw new HttpError(413, `image too large: at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
  const type = sniffImageType(body);
  if (!type) throw new HttpError(415, 'not a PNG or JPEG image (checked by its first bytes): upload a .png or .jpg file');
  try {
    const { data, info } = await sharp(body, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw badRequest(`could not decode the ${type.toUpperCase()} image: ${(err as Error).message}`);
  }
}
