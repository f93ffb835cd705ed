// @ts-check
// Fetch wrapper for the JSON API. Errors become exceptions with the server's message.
/**
 * @param {string} path
 * @param {Omit<RequestInit, 'body' | 'headers'> & { body?: unknown, headers?: Record<string, string> }} [options]
 *   a `body` that is not a Blob, ArrayBuffer or string is sent as JSON
 * @returns {Promise<any>} the parsed JSON (or text) body: `any` because it is untyped JSON; each
 *   caller declares the shape it reads (api-payloads.d.ts)
 */
export async function api(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...(options.headers ?? {}) };
  let payload = options.body;
  if (payload !== undefined && !(payload instanceof Blob) && !(payload instanceof ArrayBuffer) && typeof payload !== 'string') {
    payload = JSON.stringify(payload);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(path, { credentials: 'same-origin', ...options, headers, body: /** @type {BodyInit | undefined} */ (payload) });
  const type = res.headers.get('content-type') ?? '';
  /** @type {any} untyped JSON (or text) */
  const body = type.includes('application/json') ? await res.json() : await res.text();
  if (!res.ok) throw new Error(typeof body === 'object' && body?.error ? body.error : `${res.status} ${res.statusText}`);
  return body;
}

/** The message to show for a caught error (api() throws Errors; anything else is shown as text). */
export function errorMessage(/** @type {unknown} */ err) {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Build `/api/...?a=1&b=2` skipping empty values; a list becomes `a,b`.
 * @param {string} path
 * @param {Record<string, unknown>} [params]
 * @returns {string}
 */
export function url(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
