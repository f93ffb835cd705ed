// The two im2col layouts hold the same values, and col2im is im2col's adjoint, on geometries with
// padding on every side, strides that skip the last row, thin and wide channels and row chunks.
import { describe, expect, it } from 'vitest';
import { addCol2im, fillIm2col, fillTransposedIm2col, type Im2colGeometry } from './im2col.js';
import { randomArray } from './test-helpers.js';

interface Geo { N: number; H: number; W: number; Ci: number; K: number; S: number; pad: number }
const GEOS: Geo[] = [
  { N: 2, H: 9, W: 7, Ci: 3, K: 4, S: 2, pad: 1 }, // thin channels: the JS-loop copies
  { N: 1, H: 8, W: 8, Ci: 40, K: 4, S: 2, pad: 1 }, // copyWithin runs clipped at both edges
  { N: 2, H: 6, W: 5, Ci: 16, K: 3, S: 1, pad: 2 }, // pad wider than a tap: rows and runs wholly outside
  { N: 1, H: 10, W: 10, Ci: 8, K: 3, S: 3, pad: 0 }, // 'valid' with a stride that never reads the last row
];

function geometry(g: Geo, r0: number, rows: number): Im2colGeometry {
  const Ho = Math.floor((g.H + 2 * g.pad - g.K) / g.S) + 1;
  const Wo = Math.floor((g.W + 2 * g.pad - g.K) / g.S) + 1;
  return { H: g.H, W: g.W, Ci: g.Ci, Ho, Wo, KH: g.K, KW: g.K, SH: g.S, SW: g.S, padT: g.pad, padL: g.pad, r0, rows };
}

/** cols[p, k] straight from the definition. */
function reference(x: Float32Array, g: Im2colGeometry): Float32Array {
  const { H, W, Ci, Ho, Wo, KH, KW, SH, SW, padT, padL, r0, rows } = g;
  const K = KH * KW * Ci;
  const out = new Float32Array(rows * Wo * K);
  for (let r = r0; r < r0 + rows; r++) {
    const n = Math.floor(r / Ho);
    const oh = r % Ho;
    for (let ow = 0; ow < Wo; ow++)
      for (let kh = 0; kh < KH; kh++)
        for (let kw = 0; kw < KW; kw++)
          for (let c = 0; c < Ci; c++) {
            const ih = oh * SH - padT + kh;
            const iw = ow * SW - padL + kw;
            const v = ih >= 0 && ih < H && iw >= 0 && iw < W ? x[((n * H + ih) * W + iw) * Ci + c]! : 0;
            out[((r - r0) * Wo + ow) * K + (kh * KW + kw) * Ci + c] = v;
          }
  }
  return out;
}

describe('im2col', () => {
  it.each(GEOS)('[P,K] and [K,P] layouts equal the definition, whole and in row chunks: %o', (geo) => {
    const all = geometry(geo, 0, geo.N * geometry(geo, 0, 1).Ho);
    const x = randomArray(geo.N * geo.H * geo.W * geo.Ci, 5);
    const K = all.KH * all.KW * all.Ci;
    for (const [r0, rows] of [[0, all.rows], [1, all.rows - 2]] as const) {
      const g = { ...all, r0, rows };
      const ref = reference(x, g);
      const P = rows * g.Wo;
      // x, then the [P,K] cols, then the [K,P] cols; NaN fill proves every value is written
      const heap = new Float32Array(x.length + 2 * P * K).fill(Number.NaN);
      heap.set(x);
      fillIm2col(heap, 0, x.length, g);
      fillTransposedIm2col(heap, 0, x.length + P * K, g);
      expect(Array.from(heap.subarray(x.length, x.length + P * K))).toEqual(Array.from(ref));
      for (let p = 0; p < P; p++) for (let k = 0; k < K; k++) expect(heap[x.length + P * K + k * P + p]).toBe(ref[p * K + k]);
    }
  });

  it.each(GEOS)('col2im is the adjoint of im2col: <im2col(x), d> = <x, col2im(d)>: %o', (geo) => {
    const g = geometry(geo, 0, geo.N * geometry(geo, 0, 1).Ho);
    const xs = geo.N * geo.H * geo.W * geo.Ci;
    const cs = g.rows * g.Wo * g.KH * g.KW * g.Ci;
    const heap = new Float32Array(2 * xs + 2 * cs);
    const x = randomArray(xs, 6);
    const d = randomArray(cs, 7);
    heap.set(x, 0);
    heap.set(d, xs + cs);
    fillIm2col(heap, 0, xs, g);
    addCol2im(heap, xs + cs, xs + 2 * cs, g); // dx starts zeroed
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < cs; i++) lhs += heap[xs + i]! * d[i]!;
    for (let i = 0; i < xs; i++) rhs += x[i]! * heap[xs + 2 * cs + i]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3 * Math.max(1, Math.abs(lhs)));
    expect(Math.abs(lhs)).toBeGreaterThan(0);
  });
});
