// Realism pairs are signed when served (GET /api/realism/<run>/pair), and only signed pairs can
// be judged, through the study route or as an ingested `judgment` record: answers are about
// images this server really showed. The key lives as long as the server process. Each signature
// becomes the answer's judgment key, so a pair takes one answer (a replay is a 409).
import { createHmac, randomBytes } from 'node:crypto';
import { badRequest } from './http-error.js';
import { tokensEqual } from './security.js';

export interface PairSigner {
  sign(runId: string, realRef: string, fakeRef: string): string;
  /** The judgment key of a pair this server signed; a 400 for anything else. */
  judgmentKey(runId: string, realRef: string, fakeRef: string, sig: unknown): string;
}

export function createPairSigner(): PairSigner {
  const key = randomBytes(32);
  const sign = (runId: string, realRef: string, fakeRef: string) => createHmac('sha256', key).update(`${runId}\u0000${realRef}\u0000${fakeRef}`).digest('base64url');
  return {
    sign,
    judgmentKey(runId, realRef, fakeRef, sig) {
      if (typeof sig !== 'string' || !tokensEqual(sig, sign(runId, realRef, fakeRef))) {
        throw badRequest(`unknown pair: judge only a pair this server issued (GET /api/realism/${runId}/pair gives the refs and sig)`);
      }
      return `pair:${sig}`;
    },
  };
}
