// @ts-check
// A parallel-coordinates plot in SVG: one vertical axis per column (a swept config key or a
// metric), one polyline per run. Drag along an axis to brush a range; runs outside any brush turn
// grey and `onBrush(ids)` reports the runs that pass every brush. A click on an axis clears it.
// Built with createElementNS and textContent only (no markup from data).
import { fmt } from './dom.js';
/** @typedef {import('./api-payloads.js').HparamColumn} HparamColumn */
/** @typedef {import('./api-payloads.js').HparamPoint} HparamPoint */
/** @typedef {import('./api-payloads.js').HparamValue} HparamValue */

const NS = 'http://www.w3.org/2000/svg';
const TOP = 34;
const HEIGHT = 300;
const MISSING_Y = TOP + HEIGHT + 22; // runs without a value sit on a "n/a" tick under the axis
const AXIS_GAP = 150;
const SIDE = 70;

/**
 * An SVG element with attributes and optional text (textContent: never parsed as markup).
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {string} [text]
 * @returns {SVGElement}
 */
function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * Pixel y of a value on an axis (null → the n/a tick), and the axis ticks.
 * @param {HparamColumn} column
 * @param {HparamPoint[]} points
 * @returns {{ y: (v: HparamValue | undefined) => number, ticks: Array<{ label: string, y: number }> }}
 */
function axisScale(column, points) {
  if (column.numeric) {
    const vals = points.map((p) => p.values[column.id]).filter((v) => typeof v === 'number');
    let min = Math.min(...vals);
    let max = Math.max(...vals);
    if (!vals.length) [min, max] = [0, 1];
    if (min === max) [min, max] = [min - (Math.abs(min) || 1) * 0.1, max + (Math.abs(max) || 1) * 0.1];
    /** @param {HparamValue | undefined} v */
    const y = (v) => (typeof v === 'number' ? TOP + (1 - (v - min) / (max - min)) * HEIGHT : MISSING_Y);
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((t) => ({ label: fmt(min + t * (max - min), 3), y: TOP + (1 - t) * HEIGHT }));
    return { y, ticks };
  }
  const cats = column.values ?? [];
  /** @param {number} i */
  const pos = (i) => TOP + (cats.length > 1 ? (i / (cats.length - 1)) * HEIGHT : HEIGHT / 2);
  const index = new Map(cats.map((c, i) => [JSON.stringify(c), i]));
  /** @param {HparamValue | undefined} v */
  const y = (v) => {
    const i = v === null || v === undefined ? undefined : index.get(JSON.stringify(v));
    return i === undefined ? MISSING_Y : pos(i);
  };
  return { y, ticks: cats.map((c, i) => ({ label: String(c), y: pos(i) })) };
}

/**
 * columns: the axes in order [{id, label, numeric, values?}]; points: [{id, name, values}];
 * colorOf(point) → CSS colour; onBrush(ids) after every brush change.
 * @param {{ columns: HparamColumn[], points: HparamPoint[], colorOf: (p: HparamPoint) => string, onBrush?: (ids: string[]) => void }} opts
 * @returns {{ el: SVGElement, clear: () => void }}
 */
export function parallelCoords({ columns, points, colorOf, onBrush }) {
  const width = SIDE * 2 + Math.max(1, columns.length - 1) * AXIS_GAP;
  const root = svg('svg', { width, height: MISSING_Y + 16, class: 'pcp', 'data-axes': columns.length });
  const axes = columns.map((column) => ({ column, scale: axisScale(column, points) }));
  const x = (/** @type {number} */ i) => SIDE + i * AXIS_GAP;
  /** @type {Map<(typeof axes)[number], [number, number]>} axis -> its brush [y0, y1] */
  const brushes = new Map();
  const lines = svg('g', { class: 'pcp-lines' });
  root.append(lines);

  const polylines = points.map((p) => {
    const pts = axes.map(({ column, scale }, i) => `${x(i)},${scale.y(p.values[column.id]).toFixed(1)}`).join(' ');
    const line = svg('polyline', { points: pts, fill: 'none', 'stroke-width': 1.6, 'data-run-id': p.id });
    line.append(svg('title', {}, p.name || p.id));
    lines.append(line);
    return { p, line };
  });

  function apply() {
    /** @type {string[]} */
    const selected = [];
    for (const { p, line } of polylines) {
      const ok = [...brushes.entries()].every(([{ column, scale }, [a, b]]) => {
        const yv = scale.y(p.values[column.id]);
        return yv >= Math.min(a, b) && yv <= Math.max(a, b);
      });
      line.setAttribute('stroke', ok ? colorOf(p) : '#dde1e6');
      line.setAttribute('stroke-opacity', ok ? '0.9' : '0.6');
      line.dataset.selected = ok ? '1' : '0';
      if (ok) {
        selected.push(p.id);
        lines.append(line); // selected lines on top
      }
    }
    onBrush?.(selected);
  }

  axes.forEach((axis, i) => {
    const { column: c, scale } = axis;
    const g = svg('g', { class: 'pcp-axis', 'data-axis': c.id });
    g.append(svg('line', { x1: x(i), x2: x(i), y1: TOP, y2: TOP + HEIGHT, stroke: '#495057' }));
    g.append(svg('text', { x: x(i), y: TOP - 16, 'text-anchor': 'middle', class: 'pcp-label' }, c.label));
    for (const t of scale.ticks) {
      g.append(svg('line', { x1: x(i) - 4, x2: x(i), y1: t.y, y2: t.y, stroke: '#495057' }));
      g.append(svg('text', { x: x(i) - 7, y: t.y + 4, 'text-anchor': 'end', class: 'pcp-tick' }, t.label));
    }
    g.append(svg('text', { x: x(i) - 7, y: MISSING_Y + 4, 'text-anchor': 'end', class: 'pcp-tick' }, 'n/a'));
    const band = svg('rect', { x: x(i) - 9, width: 18, y: 0, height: 0, class: 'pcp-brush', visibility: 'hidden' });
    // The hit area: a wide transparent strip over the axis that takes the drag.
    const hit = svg('rect', { x: x(i) - 14, y: TOP - 8, width: 28, height: MISSING_Y - TOP + 16, fill: 'transparent', class: 'pcp-hit', 'data-axis': c.id });
    /** @type {number | null} */
    let start = null;
    const localY = (/** @type {PointerEvent} */ e) => e.clientY - root.getBoundingClientRect().top;
    /** @param {number} a @param {number} b */
    const draw = (a, b) => {
      band.setAttribute('y', String(Math.min(a, b)));
      band.setAttribute('height', String(Math.abs(b - a)));
      band.setAttribute('visibility', 'visible');
    };
    hit.addEventListener('pointerdown', (e) => {
      start = localY(e);
      hit.setPointerCapture?.(e.pointerId);
      e.preventDefault();
    });
    hit.addEventListener('pointermove', (e) => {
      if (start !== null) draw(start, localY(e));
    });
    hit.addEventListener('pointerup', (e) => {
      if (start === null) return;
      const end = localY(e);
      if (Math.abs(end - start) < 3) {
        brushes.delete(axis);
        band.setAttribute('visibility', 'hidden');
      } else {
        brushes.set(axis, [start, end]);
        draw(start, end);
      }
      start = null;
      apply();
    });
    g.append(band, hit);
    root.append(g);
  });
  apply();
  return { el: root, clear() { brushes.clear(); for (const b of root.querySelectorAll('.pcp-brush')) b.setAttribute('visibility', 'hidden'); apply(); } };
}
