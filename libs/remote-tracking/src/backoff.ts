// Exponential backoff with jitter: attempt 0 waits ~baseMs, each next attempt doubles, capped at
// maxMs. Jitter (±25 %) keeps many jobs that lost the server at once from retrying in lockstep.
// Math.random by default: jitter must differ between jobs, so it is not drawn from the seeded
// experiment RNG (@workbench/random).

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = opts.baseMs ?? 250;
  const max = opts.maxMs ?? 10_000;
  const raw = Math.min(max, base * 2 ** Math.max(0, attempt));
  return Math.round(raw * (0.75 + 0.5 * random()));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
