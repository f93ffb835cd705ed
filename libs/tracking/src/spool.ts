// A spool file: tracking records as JSON lines, appended when the tracking server cannot be
// reached (or on purpose, on a node without network) and uploaded later (`workbench sync`).
// Appends are synchronous and each line is one complete record, so a crash loses at most the
// line being written, and a torn last line is skipped on read.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TrackingRecord } from './records.js';
import type { RecordSink } from './run-tracker.js';

export function appendSpool(path: string, records: TrackingRecord[]): void {
  if (records.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, records.map((r) => JSON.stringify(r) + '\n').join(''));
}

/** A RecordSink that only spools. */
export function spoolSink(path: string): RecordSink {
  return (records) => appendSpool(path, records);
}

export interface SpoolContents {
  records: TrackingRecord[];
  /** 1-based line numbers that were not valid records (a torn write at a crash). */
  badLines: number[];
}

export function readSpool(path: string): SpoolContents {
  if (!existsSync(path)) return { records: [], badLines: [] };
  const records: TrackingRecord[] = [];
  const badLines: number[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const rec = JSON.parse(line) as TrackingRecord;
        if (rec && typeof rec === 'object' && typeof rec.op === 'string') records.push(rec);
        else badLines.push(i + 1);
      } catch {
        badLines.push(i + 1);
      }
    });
  return { records, badLines };
}
