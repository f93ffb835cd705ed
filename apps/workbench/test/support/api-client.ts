// Calls to a test dashboard's JSON API: `json` expects a 200, `send` writes JSON (or nothing).
import { expect } from 'vitest';

export function apiClient(base: () => string) {
  const get = (p: string, init?: RequestInit) => fetch(`${base()}${p}`, init);
  return {
    get,
    json: async (p: string) => {
      const res = await get(p);
      expect(res.status, `${p}: ${res.status}`).toBe(200);
      return res.json();
    },
    send: (method: string, p: string, body?: unknown) =>
      get(p, body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  };
}
