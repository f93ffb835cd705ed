// Rasterise a layout into a label map (which shape covers each pixel) and an outline map, with
// integer arithmetic only: pixel centres are tested in doubled coordinates X = 2x + 1 - 2cx,
// Y = 2y + 1 - 2cy against the doubled radius R = 2r.
import { layoutGeometry, type Orientation, type ShapeSpec } from './shapes-layout.js';

/** Does the pixel centre at doubled offset (X, Y) lie inside the shape? */
function inside(s: ShapeSpec, X: number, Y: number, R: number): boolean {
  switch (s.kind) {
    case 'circle':
      return X * X + Y * Y <= R * R;
    case 'square':
      return Math.abs(X) <= R && Math.abs(Y) <= R;
    case 'diamond':
      return Math.abs(X) + Math.abs(Y) <= R;
    case 'triangle':
      return insideTriangle(s.orientation, X, Y, R);
  }
}

/** Isosceles triangle with the apex at the middle of one box side and the base on the opposite side. */
function insideTriangle(o: Orientation, X: number, Y: number, R: number): boolean {
  // Rotate the point so that the triangle points up: apex (0, -R), base (-R, R)..(R, R).
  let u = X;
  let v = Y;
  if (o === 'down') v = -Y;
  else if (o === 'left') [u, v] = [Y, X];
  else if (o === 'right') [u, v] = [Y, -X];
  if (v > R) return false;
  // Inside both slanted edges: |u| <= (v + R) / 2, i.e. 2|u| <= v + R.
  return 2 * Math.abs(u) <= v + R;
}

export interface RasterizedLayout {
  size: number;
  /** [H*W] 0 = background, i + 1 = shape i. */
  labels: Uint8Array;
  /** [H*W] 1 where A draws an outline (a shape pixel within `outline` px of the shape's edge). */
  outline: Uint8Array;
}

export function rasterizeLayout(shapes: readonly ShapeSpec[], size: number): RasterizedLayout {
  const { outline: thickness } = layoutGeometry(size);
  const labels = new Uint8Array(size * size);
  const outline = new Uint8Array(size * size);
  shapes.forEach((s, i) => {
    const x0 = s.cx - s.r;
    const y0 = s.cy - s.r;
    const side = 2 * s.r;
    // Mask of this shape inside its box, with a 1-pixel empty border for the erosion below.
    const w = side + 2;
    let mask = new Uint8Array(w * w);
    for (let by = 0; by < side; by++) {
      const Y = 2 * (y0 + by) + 1 - 2 * s.cy;
      for (let bx = 0; bx < side; bx++) {
        const X = 2 * (x0 + bx) + 1 - 2 * s.cx;
        if (inside(s, X, Y, 2 * s.r)) mask[(by + 1) * w + bx + 1] = 1;
      }
    }
    const full = mask;
    // Erode `thickness` times (4-neighbourhood); the outline is what erosion removed.
    for (let t = 0; t < thickness; t++) {
      const eroded = new Uint8Array(w * w);
      for (let y = 1; y < w - 1; y++)
        for (let x = 1; x < w - 1; x++) {
          const k = y * w + x;
          eroded[k] = mask[k]! & mask[k - 1]! & mask[k + 1]! & mask[k - w]! & mask[k + w]!;
        }
      mask = eroded;
    }
    for (let by = 0; by < side; by++)
      for (let bx = 0; bx < side; bx++) {
        const k = (by + 1) * w + bx + 1;
        if (!full[k]) continue;
        const p = (y0 + by) * size + x0 + bx;
        labels[p] = i + 1;
        if (!mask[k]) outline[p] = 1;
      }
  });
  return { size, labels, outline };
}
