// @ts-check
// DOM building without innerHTML: every string becomes a text node or an attribute value, so run
// names, tags and config values containing HTML are shown as text and never parsed.
import { formatDuration } from '/vendor/format-duration.js';

/**
 * h('a', {href: '#/runs', class: 'x', onclick: fn}, 'text', childNode, [more])
 * Attributes: `class`, `style` (object), `on<event>` (functions), `dataset` (object), anything
 * else via setAttribute. Children: strings/numbers (text), Nodes, arrays, null/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
      else if (name === 'class') el.className = value;
      else if (name === 'style' && typeof value === 'object') Object.assign(el.style, value);
      else if (name === 'dataset') Object.assign(el.dataset, value);
      else if (name === 'value' || name === 'checked' || name === 'selected' || name === 'disabled') el[name] = value;
      else el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replace the children of `el`. */
export function mount(el, ...children) {
  clear(el);
  return append(el, children);
}

/** 4 significant digits, exponent for tiny/huge values, '—' for missing. */
export function fmt(v, digits = 4) {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '—';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(digits - 2);
  return String(Number(v.toPrecision(digits)));
}

export function fmtPm(mean, std, n) {
  if (mean === null || mean === undefined) return '—';
  let s = fmt(mean);
  if (std !== null && std !== undefined && n > 1) s += ` ± ${fmt(std, 2)}`;
  if (n !== undefined && n !== null) s += ` (${n})`;
  return s;
}

/** A group statistic {mean, lo, hi, n}: "0.114 [0.089, 0.139] (n=2)"; no interval for n = 1. */
export function fmtCi(stat) {
  if (!stat || stat.mean === null || stat.mean === undefined) return '—';
  const interval = stat.n > 1 && stat.lo !== null && stat.hi !== null ? ` [${fmt(stat.lo, 3)}, ${fmt(stat.hi, 3)}]` : '';
  return `${fmt(stat.mean)}${interval} (n=${stat.n})`;
}

/** `42s`, `3m07s`, `1h05m`: the workbench's one duration format (@workbench/text, the same file the CLI uses). */
export function fmtDuration(ms) {
  return formatDuration(ms, '—');
}

export function fmtTime(ms, short = false) {
  if (!ms) return '—';
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  const day = `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return short ? day : `${d.getFullYear()}-${day}`;
}

export function statusBadge(status, reason) {
  return h('span', { class: `status status-${status}`, title: reason || status }, status);
}

/** A small text notice, e.g. for empty states and errors. */
export function notice(text, kind = 'info') {
  return h('div', { class: `notice notice-${kind}` }, text);
}

/** Flatten {a: {b: 1}} into {'a.b': 1}; arrays stay values. */
export function flatten(obj, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(obj ?? {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

export function configValue(v) {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v === '' ? '""' : v;
  return JSON.stringify(v);
}

/** Display names for runs that stay unique: seeds of one config share a name, so add the seed (or id). */
export function runLabels(runs) {
  const count = new Map();
  for (const r of runs) count.set(r.name || r.id, (count.get(r.name || r.id) ?? 0) + 1);
  const out = new Map();
  for (const r of runs) {
    const base = r.name || r.id;
    out.set(r.id, count.get(base) > 1 ? (r.seed !== null && r.seed !== undefined ? `${base} s${r.seed}` : `${base} ${r.id}`) : base);
  }
  // Still ambiguous (same name and seed): fall back to the id.
  const seen = new Map();
  for (const l of out.values()) seen.set(l, (seen.get(l) ?? 0) + 1);
  for (const [id, l] of out) if (seen.get(l) > 1) out.set(id, `${l} (${id})`);
  return out;
}
