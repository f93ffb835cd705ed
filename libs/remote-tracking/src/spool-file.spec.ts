import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendSpool, type TrackingRecord } from '@workbench/tracking';
import { readAckedOffset, readSpoolChunk, spoolSize, writeAckedOffset } from './spool-file.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'spool-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const hb = (i: number): TrackingRecord => ({ op: 'heartbeat', runId: 'r', at: i, key: `c:${i}` });

describe('spool file reading by offset', () => {
  it('reads complete lines in chunks, leaves a line being written, skips a corrupt line', () => {
    const spool = join(dir, 's.jsonl');
    appendSpool(spool, [hb(0), hb(1), hb(2)]);
    appendFileSync(spool, 'not json\n');
    appendSpool(spool, [hb(3)]);
    appendFileSync(spool, '{"op":"heartbeat","runId":"r"'); // torn: no newline yet

    const a = readSpoolChunk(spool, 0, 2);
    expect(a.records.map((r) => r.key)).toEqual(['c:0', 'c:1']);
    expect(a.ends).toHaveLength(2);
    expect(a.endOffset).toBe(a.ends[1]);
    const b = readSpoolChunk(spool, a.endOffset, 10);
    expect(b.records.map((r) => r.key)).toEqual(['c:2', 'c:3']);
    expect(b.corrupt).toBe(1);
    expect(b.endOffset).toBeLessThan(spoolSize(spool)); // the torn line is not consumed
    expect(readSpoolChunk(spool, b.endOffset).records).toEqual([]);

    appendFileSync(spool, ',"at":9,"key":"c:9"}\n'); // the write completes
    expect(readSpoolChunk(spool, b.endOffset).records.map((r) => r.key)).toEqual(['c:9']);
    expect(readSpoolChunk(join(dir, 'missing.jsonl'), 0).records).toEqual([]);
  });

  it('reads a line longer than the byte budget', () => {
    const spool = join(dir, 'long.jsonl');
    const big: TrackingRecord = { op: 'setTags', runId: 'r', tags: ['x'.repeat(5000)] };
    appendSpool(spool, [big, hb(1)]);
    const c = readSpoolChunk(spool, 0, 100, 1000);
    expect(c.records[0]).toEqual(big);
  });

  it('keeps the acknowledged offset next to the spool', () => {
    const spool = join(dir, 'a.jsonl');
    expect(readAckedOffset(spool)).toBe(0);
    writeAckedOffset(spool, 1234);
    expect(readAckedOffset(spool)).toBe(1234);
    writeFileSync(`${spool}.acked`, 'garbage');
    expect(readAckedOffset(spool)).toBe(0);
  });
});
