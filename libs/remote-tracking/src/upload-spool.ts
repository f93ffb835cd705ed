// Upload a spool file from an offset to its end, in order, in batches: retries transient failures
// with exponential backoff, acknowledges progress in `<spool>.acked` after every batch, and
// isolates records the server refuses (400) into `<spool>.rejected` instead of blocking the rest.
// Used by the live client (in the background) and by `workbench sync` (to completion).
import { appendFileSync } from 'node:fs';
import type { TrackingRecord } from '@workbench/tracking';
import { backoffDelay, sleep, type BackoffOptions } from './backoff.js';
import { IngestHttpError, postIngest, type HttpOptions } from './ingest-client.js';
import { readSpoolChunk, rejectedPath, writeAckedOffset } from './spool-file.js';

export interface UploadOptions extends HttpOptions {
  /** Start here (default 0 = the whole spool). */
  from?: number;
  /** Consecutive failed attempts of one batch before giving up (default 6, Infinity = never). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  maxBatchRecords?: number;
  maxBatchBytes?: number;
  /** Stop between batches (or retries) once aborted. */
  signal?: AbortSignal;
  /** A transient failure is about to be retried after `delayMs`. */
  onRetry?: (err: Error, attempt: number, delayMs: number) => void;
  /** Persist the acknowledged offset in `<spool>.acked` (default true). */
  recordAcked?: boolean;
}

export interface UploadResult {
  /** Records sent (applied + duplicates + rejected). */
  records: number;
  applied: number;
  duplicates: number;
  /** Records the server refused (written to `<spool>.rejected` with the reason). */
  rejected: number;
  /** Unparsable lines skipped. */
  corrupt: number;
  /** Offset up to which everything is acknowledged. */
  offset: number;
  /** The first refused record's reason, if any. */
  firstRejection?: string;
  /** Idempotency keys (or ops) of refused records. */
  rejectedKeys: string[];
}

async function withRetry<T>(fn: () => Promise<T>, opts: UploadOptions): Promise<T> {
  const max = opts.maxAttempts ?? 6;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const fatal = err instanceof IngestHttpError && err.fatal;
      if (fatal || attempt + 1 >= max || opts.signal?.aborted) throw err;
      const delay = backoffDelay(attempt, opts.backoff);
      opts.onRetry?.(err as Error, attempt + 1, delay);
      await sleep(delay);
      if (opts.signal?.aborted) throw err;
    }
  }
}

/** Send one batch; a 400 (one bad record rolls back the whole batch) falls back to one by one. */
async function sendBatch(
  spool: string,
  uri: string,
  token: string,
  records: TrackingRecord[],
  result: UploadResult,
  opts: UploadOptions,
): Promise<void> {
  try {
    const r = await withRetry(() => postIngest(uri, token, records, opts), opts);
    result.applied += r.applied;
    result.duplicates += r.duplicates;
    return;
  } catch (err) {
    if (!(err instanceof IngestHttpError && err.status === 400)) throw err;
    const [only] = records;
    if (only && records.length === 1) {
      // a single refused record: keep it aside with the reason, move on
      result.rejected++;
      result.firstRejection ??= err.message;
      result.rejectedKeys.push(only.key ?? only.op);
      appendFileSync(rejectedPath(spool), `${JSON.stringify({ error: err.message, record: only })}\n`);
      return;
    }
  }
  // A refused batch: find the bad record(s) by sending one by one.
  for (const rec of records) await sendBatch(spool, uri, token, [rec], result, opts);
}

export async function uploadSpool(spool: string, uri: string, token: string, opts: UploadOptions = {}): Promise<UploadResult> {
  const result: UploadResult = { records: 0, applied: 0, duplicates: 0, rejected: 0, corrupt: 0, offset: opts.from ?? 0, rejectedKeys: [] };
  for (;;) {
    if (opts.signal?.aborted) return result;
    const chunk = readSpoolChunk(spool, result.offset, opts.maxBatchRecords ?? 500, opts.maxBatchBytes ?? 4 * 1024 * 1024);
    result.corrupt += chunk.corrupt;
    if (chunk.endOffset === result.offset) return result; // nothing new (or only an incomplete line)
    if (chunk.records.length > 0) await sendBatch(spool, uri, token, chunk.records, result, opts);
    result.records += chunk.records.length;
    result.offset = chunk.endOffset;
    if (opts.recordAcked !== false) writeAckedOffset(spool, result.offset);
  }
}
