// Hydra's override value grammar (the subset researchers use): primitives, quoted strings,
// lists `[a,b]`, dicts `{k: v}`, `${...}` interpolations, and the sweep forms `a,b,c`,
// `range(start, stop[, step])`, `choice(a, b)`.
import { ConfigError } from './config-error.js';

export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };

/**
 * A parsed right-hand side: one value, or the values of a sweep axis. `text` / `texts` keep the
 * literal of each unquoted scalar, so a key that holds text takes it as written (`sweep.job=0123`
 * is '0123', not 123; `name=2726e66454` is not Infinity): see `typedOverrideValue` in validate.ts.
 */
export type ParsedValue =
  | { kind: 'value'; value: ConfigValue; text?: string }
  | { kind: 'sweep'; values: ConfigValue[]; texts: Array<string | undefined> };

class Cursor {
  pos = 0;
  constructor(
    readonly text: string,
    readonly context: string,
  ) {}
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  done(): boolean {
    return this.pos >= this.text.length;
  }
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  fail(problem: string): never {
    throw new ConfigError(`${this.context}: ${problem} at column ${this.pos + 1} of '${this.text}'`);
  }
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/;

/** Interpret an unquoted token the way Hydra does (null, bools, numbers, else string). */
export function interpretBare(token: string): ConfigValue {
  const t = token.trim();
  const lower = t.toLowerCase();
  if (lower === 'null' || lower === '~') return null;
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  if (INT.test(t)) return Number.parseInt(t, 10);
  if (FLOAT.test(t)) return Number.parseFloat(t);
  if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  return t;
}

function parseQuoted(c: Cursor): string {
  const quote = c.peek();
  c.pos++;
  let out = '';
  while (!c.done() && c.peek() !== quote) {
    if (c.peek() === '\\' && c.pos + 1 < c.text.length) {
      c.pos++;
    }
    out += c.peek();
    c.pos++;
  }
  if (c.done()) c.fail(`unterminated ${quote} quote`);
  c.pos++;
  return out;
}

/** Unquoted text up to one of `stops` at depth 0; `${...}` and `\,` escapes are kept intact. */
function parseBare(c: Cursor, stops: string): string {
  let out = '';
  while (!c.done() && !stops.includes(c.peek())) {
    const ch = c.peek();
    if (ch === '\\' && c.pos + 1 < c.text.length) {
      out += c.text[c.pos + 1];
      c.pos += 2;
      continue;
    }
    if (ch === '$' && c.text[c.pos + 1] === '{') {
      out += '$';
      c.pos++;
      let depth = 0;
      do {
        if (c.peek() === '{') depth++;
        if (c.peek() === '}') depth--;
        out += c.peek();
        c.pos++;
      } while (!c.done() && depth > 0);
      if (depth > 0) c.fail("unterminated '${'");
      continue;
    }
    if ('[]{}\'"'.includes(ch)) c.fail(`unexpected '${ch}' (quote the value if it is part of a string)`);
    out += ch;
    c.pos++;
  }
  return out;
}

/** One element; `text` is the literal when it was an unquoted scalar. */
function parseLiteral(c: Cursor, stops: string): { value: ConfigValue; text?: string } {
  c.skipSpace();
  const ch = c.peek();
  let out: { value: ConfigValue; text?: string };
  if (ch === '"' || ch === "'") out = { value: parseQuoted(c) };
  else if (ch === '[') out = { value: parseList(c) };
  else if (ch === '{') out = { value: parseDict(c) };
  else {
    const bare = parseBare(c, stops);
    if (bare.trim() === '' && stops !== '') c.fail('empty element');
    out = { value: interpretBare(bare), text: bare.trim() };
  }
  c.skipSpace();
  return out;
}

function parseElement(c: Cursor, stops: string): ConfigValue {
  return parseLiteral(c, stops).value;
}

function parseList(c: Cursor): ConfigValue[] {
  c.pos++; // [
  const out: ConfigValue[] = [];
  c.skipSpace();
  if (c.peek() === ']') {
    c.pos++;
    return out;
  }
  for (;;) {
    out.push(parseElement(c, ',]'));
    if (c.peek() === ',') c.pos++;
    else if (c.peek() === ']') {
      c.pos++;
      return out;
    } else c.fail("expected ',' or ']' in list");
  }
}

function parseDict(c: Cursor): { [key: string]: ConfigValue } {
  c.pos++; // {
  const out: { [key: string]: ConfigValue } = {};
  c.skipSpace();
  if (c.peek() === '}') {
    c.pos++;
    return out;
  }
  for (;;) {
    c.skipSpace();
    const key = parseBare(c, ':,}').trim();
    if (key === '' || c.peek() !== ':') c.fail("expected 'key: value' in dict");
    c.pos++;
    out[key] = parseElement(c, ',}');
    if (c.peek() === ',') c.pos++;
    else if (c.peek() === '}') {
      c.pos++;
      return out;
    } else c.fail("expected ',' or '}' in dict");
  }
}

const SWEEP_FN = /^(range|choice)\((.*)\)$/s;

function expandRange(args: ConfigValue[], c: Cursor): number[] {
  const nums = args.filter((a) => typeof a === 'number');
  const [first, second, step = 1, ...extra] = nums;
  if (first === undefined || extra.length > 0 || nums.length !== args.length) {
    c.fail('range() takes 1 to 3 numbers: range(stop), range(start, stop) or range(start, stop, step)');
  }
  const [start, stop] = second === undefined ? [0, first] : [first, second];
  if (step === 0) c.fail('range() step must not be 0');
  const out: number[] = [];
  // Like Python/Hydra: stop is exclusive. Round to kill float drift (range(0,1,0.1)).
  for (let i = 0; ; i++) {
    const v = Number((start + i * step).toPrecision(12));
    if ((step > 0 && v >= stop) || (step < 0 && v <= stop)) break;
    out.push(v);
    if (out.length > 100_000) c.fail('range() is too long');
  }
  return out;
}

/** Parse the right-hand side of an override. `context` names the override in errors. */
export function parseValue(text: string, context = 'override'): ParsedValue {
  const c = new Cursor(text, context);
  const trimmed = text.trim();
  const [, fnName, fnArgs] = SWEEP_FN.exec(trimmed) ?? [];
  if (fnName !== undefined && fnArgs !== undefined) {
    const inner = new Cursor(fnArgs, context);
    const args: Array<{ value: ConfigValue; text?: string }> = [];
    inner.skipSpace();
    while (!inner.done()) {
      args.push(parseLiteral(inner, ','));
      if (inner.peek() === ',') inner.pos++;
    }
    if (fnName === 'range') {
      const values = expandRange(args.map((a) => a.value), c);
      return { kind: 'sweep', values, texts: values.map(() => undefined) };
    }
    if (args.length === 0) c.fail('choice() needs at least one value');
    return { kind: 'sweep', values: args.map((a) => a.value), texts: args.map((a) => a.text) };
  }
  if (trimmed === '') return { kind: 'value', value: '', text: '' };
  const literals: Array<{ value: ConfigValue; text?: string }> = [];
  for (;;) {
    literals.push(parseLiteral(c, ','));
    if (c.done()) break;
    if (c.peek() === ',') {
      c.pos++;
      if (c.done()) c.fail('trailing comma');
      continue;
    }
    c.fail('unexpected text after value');
  }
  const [only] = literals;
  if (only && literals.length === 1) return { kind: 'value', ...only };
  return { kind: 'sweep', values: literals.map((l) => l.value), texts: literals.map((l) => l.text) };
}

/** Render a value back to override syntax so that `parseValue(formatValue(v))` gives `v` back. */
export function formatValue(value: ConfigValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(',')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}:${formatValue(v)}`)
      .join(',')}}`;
  }
  const safe = /^[A-Za-z0-9_./@:+-]+(\$\{[^}]*\}[A-Za-z0-9_./@:+-]*)*$|^\$\{[^}]*\}[A-Za-z0-9_./@:+-]*$/.test(value);
  if (safe && interpretBare(value) === value && !SWEEP_FN.test(value)) return value;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
