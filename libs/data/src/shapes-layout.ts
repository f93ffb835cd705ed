// Where the shapes of one sample go: kinds, sizes and positions, drawn by rejection sampling so
// that shapes never overlap. Everything is an integer, so layouts (and the rasterised images)
// are identical on every machine.
import { DataError } from './data-error.js';
import type { Rng } from '@workbench/random';

export const SHAPE_KINDS = ['circle', 'square', 'triangle', 'diamond'] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

/** Triangle orientation: the apex points up, right, down or left. */
export const ORIENTATIONS = ['up', 'right', 'down', 'left'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

/**
 * One shape. It fits in the square box [cx - r, cx + r] × [cy - r, cy + r] (continuous pixel
 * coordinates, pixel (x, y) covers [x, x+1] × [y, y+1]).
 */
export interface ShapeSpec {
  kind: ShapeKind;
  /** Meaningful for triangles only; 'up' for the other kinds. */
  orientation: Orientation;
  cx: number;
  cy: number;
  r: number;
}

/** The size constants of a layout at resolution `size`. */
export interface LayoutGeometry {
  size: number;
  rMin: number;
  rMax: number;
  /** Minimum empty gap between two shapes' boxes, in pixels. */
  gap: number;
  /** Outline thickness in A, in pixels. */
  outline: number;
}

export function layoutGeometry(size: number): LayoutGeometry {
  const rMin = Math.max(4, Math.floor(size / 8));
  return {
    size,
    rMin,
    rMax: Math.max(rMin, Math.floor((size * 7) / 32)),
    gap: Math.max(2, Math.floor(size / 32)),
    outline: Math.max(1, Math.floor(size / 64)),
  };
}

const ATTEMPTS_PER_SHAPE = 100;
const MAX_LAYOUT_RESTARTS = 1000;
/** More shapes of these sizes rarely fit (n = 5 fits ~10% of draws, n = 6 ~1%). */
export const MAX_SHAPES = 5;

/**
 * Draw a layout: n ~ U{1..maxShapes}; then for each shape, kind ~ U(SHAPE_KINDS), orientation ~
 * U(ORIENTATIONS) (triangles), r ~ U{rMin..rMax}, cx, cy ~ U{r+1 .. size-1-r}; a shape whose box
 * comes closer than `gap` to an earlier box is redrawn (up to 100 times), after which all n
 * shapes are redrawn. So n is exactly uniform, and the shapes are the sequential draw conditioned
 * on fitting (which succeeds for >= 70% of draws with n <= 4, ~10% with n = 5).
 */
export function sampleLayout(rng: Rng, size: number, maxShapes: number): ShapeSpec[] {
  const g = layoutGeometry(size);
  const n = rng.intIn(1, maxShapes);
  for (let restart = 0; restart < MAX_LAYOUT_RESTARTS; restart++) {
    const shapes: ShapeSpec[] = [];
    while (shapes.length < n) {
      let placed = false;
      for (let attempt = 0; attempt < ATTEMPTS_PER_SHAPE && !placed; attempt++) {
        const kind = rng.pick(SHAPE_KINDS);
        const orientation: Orientation = kind === 'triangle' ? rng.pick(ORIENTATIONS) : 'up';
        const r = rng.intIn(g.rMin, g.rMax);
        const cx = rng.intIn(r + 1, size - 1 - r);
        const cy = rng.intIn(r + 1, size - 1 - r);
        const apart = shapes.every((s) => {
          const d = s.r + r + g.gap;
          return Math.abs(s.cx - cx) >= d || Math.abs(s.cy - cy) >= d;
        });
        if (apart) {
          shapes.push({ kind, orientation, cx, cy, r });
          placed = true;
        }
      }
      if (!placed) break;
    }
    if (shapes.length === n) return shapes;
  }
  throw new DataError(
    `cannot place ${n} non-overlapping shapes in ${size}×${size} px: lower data.max_shapes (at most ${MAX_SHAPES})`,
  );
}
