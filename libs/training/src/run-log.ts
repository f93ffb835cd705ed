// The run's own log, runs/<id>/train.log: every line the run notes, with its time; the lines the
// user should also see go to the console too (unless progress is 'none').
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES } from '@workbench/tracking';
import { isNoSpace } from './no-space.js';
import type { TrainRunOptions } from './train-run-options.js';

export interface RunLog {
  /** A line for train.log only. */
  note: (line: string) => void;
  /** A line for train.log and the console. */
  tell: (line: string) => void;
}

/** train.log lines (`note`), and the ones the user should also see on the console (`tell`). */
export function runLog(runDir: string, opts: Pick<TrainRunOptions, 'stream' | 'progress'>): RunLog {
  const stream = opts.stream ?? process.stderr;
  const note = (line: string): void => {
    try {
      appendFileSync(join(runDir, RUN_FILES.log), `${new Date().toISOString()} ${line}\n`);
    } catch (err) {
      if (!isNoSpace(err)) throw err; // train.log is a copy of what the store records: skip it on a full disk
    }
  };
  const tell = (line: string): void => {
    note(line);
    if (opts.progress !== 'none') stream.write(`${line}\n`);
  };
  return { note, tell };
}
