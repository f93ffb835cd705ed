// Property-based fuzzing of every API route (issue 13) against a real server on 127.0.0.1 over a
// real seeded SQLite file: random and adversarial paths, query keys/values and bodies (reserved
// property names included). Whatever the request, the server never answers 5xx, a refused
// request (4xx) leaves every table unchanged, and no built-in prototype gains a property.
// Fixed seed and a bounded number of cases here; tools/fuzz/api-soak.sh runs many more with a
// fresh seed (WORKBENCH_FUZZ_RUNS, WORKBENCH_FUZZ_SEED).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, databaseDigest, prototypeShape, type FuzzRequest } from './support/api-fuzz.js';
import { startTestDashboard, type TestDashboard } from './support/test-server.js';
import { storeDatabase } from '@workbench/tracking/testing';

const TOKEN = 'fuzz-test-token-0123456';
const RUNS = Number(process.env.WORKBENCH_FUZZ_RUNS ?? 250);
const SEED = Number(process.env.WORKBENCH_FUZZ_SEED ?? 13);
let t: TestDashboard;

async function send(r: FuzzRequest): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` };
  if (r.contentType) headers['content-type'] = r.contentType;
  const body = typeof r.body === 'string' || r.body === undefined ? r.body : new Uint8Array(r.body);
  const res = await fetch(`${t.url}${r.path}`, { method: r.method, headers, body });
  return { status: res.status, text: await res.text() };
}

/** The query from the prototype-pollution report: its answer must never change. */
const canary = async () => (JSON.parse((await send({ method: 'GET', path: '/api/runs?config=model.nz%3E3&fields=basic' })).text) as { total: number }).total;

beforeAll(async () => {
  t = await startTestDashboard({ token: TOKEN });
  // No state may change during a request except by the request: settle the computed states now
  // (stale runs -> crashed), and keep the seeded live run's heartbeat fresh for a day, or a soak
  // longer than the 300 s threshold would see a read turn it `crashed`.
  t.seeded.store.heartbeat(t.seeded.runningRunId, Date.now() + 86_400_000);
  t.seeded.store.markStaleRunsCrashed();
});
afterAll(async () => {
  await t?.cleanup();
});

describe('API fuzz (fast-check)', () => {
  it(
    `never 5xx, refused requests change nothing, prototypes untouched (${RUNS} requests, seed ${SEED})`,
    async () => {
      const protoBefore = prototypeShape();
      const canaryBefore = await canary();
      expect(canaryBefore).toBeGreaterThan(0);
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(apiRequest, async (r) => {
          const before = databaseDigest(storeDatabase(t.seeded.store)); // ~4 ms: the whole file image
          const { status, text } = await send(r);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          expect(status, `${r.method} ${r.path} -> ${status} ${text.slice(0, 200)}`).toBeLessThan(500);
          if (status >= 400) {
            expect(databaseDigest(storeDatabase(t.seeded.store)), `${r.method} ${r.path} was refused (${status}) but changed the database`).toBe(before);
            if (r.path.startsWith('/api/')) expect(JSON.parse(text).error, `${r.method} ${r.path}: a refusal names the problem`).toMatch(/\w/);
          }
          expect(prototypeShape(), `${r.method} ${r.path} changed a built-in prototype`).toBe(protoBefore);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
      expect(await canary()).toBe(canaryBefore);
      // The generator reaches both sides: accepted requests and each kind of refusal.
      for (const s of [200, 400, 404]) expect(statuses.get(s) ?? 0, `status ${s} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
    },
    Math.max(120_000, RUNS * 400),
  );
});
