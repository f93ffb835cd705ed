// Fetch wrapper for the JSON API. Errors become exceptions with the server's message.
export async function api(path, options = {}) {
  const init = { credentials: 'same-origin', ...options, headers: { ...(options.headers ?? {}) } };
  if (init.body !== undefined && !(init.body instanceof Blob) && !(init.body instanceof ArrayBuffer) && typeof init.body !== 'string') {
    init.body = JSON.stringify(init.body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(path, init);
  const type = res.headers.get('content-type') ?? '';
  const body = type.includes('application/json') ? await res.json() : await res.text();
  if (!res.ok) throw new Error(typeof body === 'object' && body?.error ? body.error : `${res.status} ${res.statusText}`);
  return body;
}

/** Build `/api/...?a=1&b=2` skipping empty values. */
export function url(path, params = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
