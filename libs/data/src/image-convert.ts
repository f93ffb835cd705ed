// Conversions between sRGB bytes and the [-1, 1] floats used everywhere in the code.

/** ITU-R 601-2 luma in 16-bit fixed point, exactly as PIL's convert('L') (the official grayscale). */
export function lumaByte(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
}

/** [H*W*3] RGB bytes -> [H*W] luma bytes. */
export function rgbToGray(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3;
  const out = new Uint8Array(n);
  for (let p = 0; p < n; p++) out[p] = lumaByte(rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!);
  return out;
}

/**
 * Bytes with `inC` channels -> float32 in [-1, 1] with `outC` channels (3 -> 1 by luma,
 * 1 -> 3 by repetition). v = u / 127.5 - 1, as the official Normalize(0.5, 0.5) after ToTensor.
 */
export function bytesToUnit(bytes: Uint8Array, inC: number, outC: number): Float32Array {
  const src = inC === 3 && outC === 1 ? rgbToGray(bytes) : bytes;
  const c = inC === 3 && outC === 1 ? 1 : inC;
  const n = src.length / c;
  const out = new Float32Array(n * outC);
  if (c === outC) {
    for (let k = 0; k < src.length; k++) out[k] = src[k]! / 127.5 - 1;
  } else {
    // 1 -> 3
    for (let p = 0; p < n; p++) {
      const v = src[p]! / 127.5 - 1;
      out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = v;
    }
  }
  return out;
}

/** Float in [-1, 1] -> byte, clamped and rounded to nearest. Exact inverse of `bytesToUnit`. */
export function unitToByte(v: number): number {
  if (!(v > -1)) return 0; // also NaN
  if (v >= 1) return 255;
  return Math.round((v + 1) * 127.5);
}

/** [H*W*C] floats in [-1, 1] -> [H*W*3] RGB bytes (grayscale repeated). */
export function unitToRgbBytes(data: Float32Array | ArrayLike<number>, channels: number): Uint8Array {
  const n = data.length / channels;
  const out = new Uint8Array(n * 3);
  if (channels === 3) {
    for (let k = 0; k < out.length; k++) out[k] = unitToByte(data[k]!);
  } else if (channels === 1) {
    for (let p = 0; p < n; p++) out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = unitToByte(data[p]!);
  } else {
    throw new Error(`cannot convert an image with ${channels} channels to RGB: use 1 or 3`);
  }
  return out;
}
