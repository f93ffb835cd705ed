// @ts-check
// DOM building without innerHTML: every string becomes a text node or an attribute value, so run
// names, tags and config values containing HTML are shown as text and never parsed.
import { formatDuration } from '/vendor/format-duration.js';

/** @typedef {import('./api-payloads.js').StatView} StatView */
/**
 * A child of h(): text (strings, numbers), a Node, a nested list, or nothing (null, undefined, false).
 * @typedef {string | number | boolean | Node | null | undefined | ChildList} Child
 * @typedef {Child[]} ChildList
 */
/**
 * Attributes of h(): `class`, `style`, `dataset`, `on<event>` handlers, and any other attribute
 * (a null, undefined or false value leaves it out).
 * @typedef {{ [name: string]: unknown, style?: { [P in keyof CSSStyleDeclaration]?: string | number }, dataset?: Record<string, string> }} Attrs
 */

/**
 * h('a', {href: '#/runs', class: 'x', onclick: fn}, 'text', childNode, [more])
 * Attributes: `class`, `style` (object), `on<event>` (functions), `dataset` (object), anything
 * else via setAttribute. Children: strings/numbers (text), Nodes, arrays, null/false (skipped).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {Child[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
      else if (name === 'class') el.className = String(value);
      else if (name === 'style' && typeof value === 'object') Object.assign(el.style, value);
      else if (name === 'dataset') Object.assign(el.dataset, value);
      // Properties, not attributes: `value` and `checked` attributes only set the initial state.
      else if (name === 'value' || name === 'checked' || name === 'selected' || name === 'disabled') Reflect.set(el, name, value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * @template {Node} E
 * @param {E} el
 * @param {Child[]} children
 * @returns {E}
 */
export function append(el, children) {
  // unknown[]: flattening the recursive Child type is too deep for the checker.
  for (const child of /** @type {unknown[]} */ (children).flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * @template {Node} E
 * @param {E} el
 * @returns {E}
 */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/**
 * Replace the children of `el`.
 * @template {Node} E
 * @param {E} el
 * @param {Child[]} children
 * @returns {E}
 */
export function mount(el, ...children) {
  clear(el);
  return append(el, children);
}

/**
 * 4 significant digits, exponent for tiny/huge values, '—' for missing; anything else as text.
 * @param {unknown} v
 * @param {number} [digits]
 * @returns {string}
 */
export function fmt(v, digits = 4) {
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '—';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(digits - 2);
  return String(Number(v.toPrecision(digits)));
}

/**
 * `mean ± std (n)`, the std only for n > 1.
 * @param {number | null | undefined} mean
 * @param {number | null | undefined} std
 * @param {number} n
 * @returns {string}
 */
export function fmtPm(mean, std, n) {
  if (mean === null || mean === undefined) return '—';
  let s = fmt(mean);
  if (std !== null && std !== undefined && n > 1) s += ` ± ${fmt(std, 2)}`;
  if (n !== undefined && n !== null) s += ` (${n})`;
  return s;
}

/**
 * A group statistic {mean, lo, hi, n}: "0.114 [0.089, 0.139] (n=2)"; no interval for n = 1.
 * @param {StatView | undefined} stat
 * @returns {string}
 */
export function fmtCi(stat) {
  if (!stat || stat.mean === null || stat.mean === undefined) return '—';
  const interval = stat.n > 1 && stat.lo !== null && stat.hi !== null ? ` [${fmt(stat.lo, 3)}, ${fmt(stat.hi, 3)}]` : '';
  return `${fmt(stat.mean)}${interval} (n=${stat.n})`;
}

/**
 * `42s`, `3m07s`, `1h05m`: the workbench's one duration format (@workbench/text, the same file the CLI uses).
 * @param {number | null | undefined} ms
 * @returns {string}
 */
export function fmtDuration(ms) {
  return formatDuration(ms, '—');
}

/**
 * Local time `2026-12-04 20:01` (`short`: without the year); '—' for none.
 * @param {number | null | undefined} ms
 * @param {boolean} [short]
 * @returns {string}
 */
export function fmtTime(ms, short = false) {
  if (!ms) return '—';
  const d = new Date(ms);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  const day = `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return short ? day : `${d.getFullYear()}-${day}`;
}

/**
 * A run, job or sweep status as a coloured badge; the tooltip shows the reason when there is one.
 * @param {string} status
 * @param {string | null} [reason]
 * @returns {HTMLSpanElement}
 */
export function statusBadge(status, reason) {
  return h('span', { class: `status status-${status}`, title: reason || status }, status);
}

/**
 * A small text notice, e.g. for empty states and errors.
 * @param {string} text
 * @param {'info' | 'warn' | 'error'} [kind]
 * @returns {HTMLDivElement}
 */
export function notice(text, kind = 'info') {
  return h('div', { class: `notice notice-${kind}` }, text);
}

/**
 * Flatten {a: {b: 1}} into {'a.b': 1}; arrays stay values.
 * @param {object | null | undefined} obj
 * @param {string} [prefix]
 * @param {Record<string, unknown>} [out]
 * @returns {Record<string, unknown>}
 */
export function flatten(obj, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(obj ?? {})) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out[key] = v;
  }
  return out;
}

/**
 * A config value as shown in tables: strings bare ('""' for empty), the rest as JSON, '—' for none.
 * @param {unknown} v
 * @returns {string}
 */
export function configValue(v) {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v === '' ? '""' : v;
  return JSON.stringify(v);
}

/**
 * Display names for runs that stay unique: seeds of one config share a name, so add the seed (or id).
 * @param {ReadonlyArray<{ id: string, name?: string | null, seed?: number | null }>} runs
 * @returns {Map<string, string>} run id → label
 */
export function runLabels(runs) {
  /** @type {Map<string, number>} */
  const count = new Map();
  for (const r of runs) count.set(r.name || r.id, (count.get(r.name || r.id) ?? 0) + 1);
  /** @type {Map<string, string>} */
  const out = new Map();
  for (const r of runs) {
    const base = r.name || r.id;
    out.set(r.id, (count.get(base) ?? 0) > 1 ? (r.seed !== null && r.seed !== undefined ? `${base} s${r.seed}` : `${base} ${r.id}`) : base);
  }
  // Still ambiguous (same name and seed): fall back to the id.
  /** @type {Map<string, number>} */
  const seen = new Map();
  for (const l of out.values()) seen.set(l, (seen.get(l) ?? 0) + 1);
  for (const [id, l] of out) if ((seen.get(l) ?? 0) > 1) out.set(id, `${l} (${id})`);
  return out;
}
