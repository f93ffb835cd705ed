// @ts-check
// Colour of a point by the value of one column: categories take the palette in order, numbers a
// blue → orange ramp between the column's min and max. Shared by the parallel-coordinates and
// scatter views so a run has the same colour in both.
import { paletteColor } from './charts.js';
/** @typedef {import('./api-payloads.js').HparamColumn} HparamColumn */
/** @typedef {import('./api-payloads.js').HparamPoint} HparamPoint */
/** @typedef {import('./api-payloads.js').HparamValue} HparamValue */
/**
 * A colour per point and the legend that explains it (`value`: the category, for categorical columns).
 * @typedef {{ colorOf: (p: HparamPoint) => string, legend: Array<{ label: string, color: string, value?: HparamValue }> }} ColorScale
 */

/** @type {[number, number, number]} */
const LOW = [49, 54, 149];
/** @type {[number, number, number]} */
const HIGH = [244, 109, 67];
export const MISSING_COLOR = '#adb5bd';

/**
 * The colour of each point by `column` (none: the first palette colour for all).
 * @param {HparamColumn | undefined} column
 * @param {HparamPoint[]} points
 * @returns {ColorScale}
 */
export function colorScale(column, points) {
  if (!column) return { colorOf: () => paletteColor(0), legend: [] };
  const vals = points.map((p) => p.values[column.id]).filter((v) => v !== null && v !== undefined);
  if (column.numeric) {
    // A numeric column's present values are all numbers (hparam-points.ts).
    const nums = vals.filter((v) => typeof v === 'number');
    const min = Math.min(...nums);
    const max = Math.max(...nums);
    /** @param {number} v */
    const ramp = (v) => {
      const t = max > min ? (v - min) / (max - min) : 0.5;
      const mix = (/** @type {number} */ lo, /** @type {number} */ hi) => Math.round(lo + (hi - lo) * t);
      return `rgb(${mix(LOW[0], HIGH[0])}, ${mix(LOW[1], HIGH[1])}, ${mix(LOW[2], HIGH[2])})`;
    };
    return {
      colorOf: (p) => {
        const v = p.values[column.id];
        return typeof v === 'number' ? ramp(v) : MISSING_COLOR;
      },
      legend: vals.length ? [{ label: `${column.label} ${fmtEnd(min)}`, color: ramp(min) }, { label: `${fmtEnd(max)}`, color: ramp(max) }] : [],
    };
  }
  const cats = column.values ?? [...new Set(vals)];
  const index = new Map(cats.map((c, i) => [JSON.stringify(c), i]));
  /** @param {HparamValue | undefined} v */
  const of = (v) => (v === null || v === undefined ? MISSING_COLOR : paletteColor(index.get(JSON.stringify(v)) ?? 0));
  return { colorOf: (p) => of(p.values[column.id]), legend: cats.map((c) => ({ label: String(c), color: of(c), value: c })) };
}

/** @param {number} v */
function fmtEnd(v) {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : '—';
}
