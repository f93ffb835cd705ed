// Retry with exponential backoff when another process holds the write lock longer than
// busy_timeout. WAL lets readers run alongside one writer; writers take turns. better-sqlite3 is
// synchronous, so the wait blocks this thread (Atomics.wait), which is what a writer wants.
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

export function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export interface RetryOptions {
  /** Attempts after the first failure. */
  retries: number;
  /** First backoff, doubled each attempt (with jitter), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 12, baseDelayMs: 20, maxDelayMs: 2000 };

export function withBusyRetry<T>(fn: () => T, opts: RetryOptions = DEFAULT_RETRY): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isBusyError(err) || attempt >= opts.retries) throw err;
      const delay = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
      // Jitter, not an experiment draw: Math.random is right here (@workbench/random is for
      // reproducible results; retry timing must differ between processes).
      sleepSync(delay / 2 + Math.random() * (delay / 2));
    }
  }
}
