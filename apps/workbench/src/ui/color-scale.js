// @ts-check
// Colour of a point by the value of one column: categories take the palette in order, numbers a
// blue → orange ramp between the column's min and max. Shared by the parallel-coordinates and
// scatter views so a run has the same colour in both.
import { PALETTE } from './charts.js';

const LOW = [49, 54, 149];
const HIGH = [244, 109, 67];
export const MISSING_COLOR = '#adb5bd';

/** column: {id, numeric, values?}; points: [{values}] → {colorOf(point), legend: [{label, color}]} */
export function colorScale(column, points) {
  if (!column) return { colorOf: () => PALETTE[0], legend: [] };
  const vals = points.map((p) => p.values[column.id]).filter((v) => v !== null && v !== undefined);
  if (column.numeric) {
    const min = Math.min(...vals);
    const max = Math.max(...vals);
    const ramp = (v) => {
      const t = max > min ? (v - min) / (max - min) : 0.5;
      const c = LOW.map((lo, i) => Math.round(lo + (HIGH[i] - lo) * t));
      return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
    };
    return {
      colorOf: (p) => (typeof p.values[column.id] === 'number' ? ramp(p.values[column.id]) : MISSING_COLOR),
      legend: vals.length ? [{ label: `${column.label} ${fmtEnd(min)}`, color: ramp(min) }, { label: `${fmtEnd(max)}`, color: ramp(max) }] : [],
    };
  }
  const cats = column.values ?? [...new Set(vals)];
  const index = new Map(cats.map((c, i) => [JSON.stringify(c), i]));
  const of = (v) => (v === null || v === undefined ? MISSING_COLOR : PALETTE[(index.get(JSON.stringify(v)) ?? 0) % PALETTE.length]);
  return { colorOf: (p) => of(p.values[column.id]), legend: cats.map((c) => ({ label: String(c), color: of(c), value: c })) };
}

function fmtEnd(v) {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : '—';
}
