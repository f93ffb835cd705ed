// The spool: an append-only file of tracking records, one JSON object per line (written with
// @workbench/tracking's `appendSpool`; this file reads it incrementally, by byte offset, to upload
// its tail while it grows). A remote client writes every record here BEFORE sending it, so a
// record survives a dead server, a dead network and even SIGKILL of the training process; the
// byte offset up to which the server acknowledged the records is kept next to it in
// `<spool>.acked`. Replaying is always safe: records carry idempotency keys and the server skips
// keys it has seen.
import { closeSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { TrackingRecord } from '@workbench/tracking';

export const ackedPath = (spool: string): string => `${spool}.acked`;
export const rejectedPath = (spool: string): string => `${spool}.rejected`;

export function spoolSize(spool: string): number {
  try {
    return statSync(spool).size;
  } catch {
    return 0;
  }
}

/** Byte offset up to which the server has acknowledged the spool (0 when unknown). */
export function readAckedOffset(spool: string): number {
  try {
    const n = Number(readFileSync(ackedPath(spool), 'utf8').trim());
    return Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}

export function writeAckedOffset(spool: string, offset: number): void {
  const tmp = `${ackedPath(spool)}.tmp`;
  writeFileSync(tmp, `${offset}\n`);
  renameSync(tmp, ackedPath(spool));
}

export interface SpoolChunk {
  records: TrackingRecord[];
  /** Byte offset where each record's line ends (to acknowledge a prefix of the chunk). */
  ends: number[];
  /** Offset after the last complete line read. */
  endOffset: number;
  /** Lines that were not valid JSON records (skipped). */
  corrupt: number;
}

/**
 * Complete lines from `from` on, at most `maxRecords` records / about `maxBytes` bytes. A last
 * line without its newline (a write in progress) is left for later.
 */
export function readSpoolChunk(spool: string, from: number, maxRecords = 500, maxBytes = 4 * 1024 * 1024): SpoolChunk {
  const out: SpoolChunk = { records: [], ends: [], endOffset: from, corrupt: 0 };
  const size = spoolSize(spool);
  if (size <= from) return out;
  const fd = openSync(spool, 'r');
  let data: Buffer;
  try {
    let want = Math.min(size - from, maxBytes);
    for (;;) {
      const buf = Buffer.alloc(want);
      data = buf.subarray(0, readSync(fd, buf, 0, want, from));
      // A single line longer than maxBytes: read more until it is complete (or the file ends).
      if (data.includes(10) || from + want >= size) break;
      want = Math.min(size - from, want * 2);
    }
  } finally {
    closeSync(fd);
  }
  let start = 0;
  for (let nl = data.indexOf(10); nl !== -1 && out.records.length < maxRecords; nl = data.indexOf(10, start)) {
    const line = data.subarray(start, nl).toString('utf8').trim();
    start = nl + 1;
    out.endOffset = from + start;
    if (!line) continue;
    try {
      const rec = JSON.parse(line) as TrackingRecord;
      if (rec === null || typeof rec !== 'object' || typeof rec.op !== 'string') throw new Error('not a record');
      out.records.push(rec);
      out.ends.push(out.endOffset);
    } catch {
      out.corrupt++; // e.g. a line cut by a power loss: skipped, never blocks the rest
    }
  }
  return out;
}

/** Remove a spool that the server fully acknowledged (and its offset file). */
export function removeSpool(spool: string): void {
  rmSync(spool, { force: true });
  rmSync(ackedPath(spool), { force: true });
}
