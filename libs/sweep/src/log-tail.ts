// The last meaningful line of a job's log: the one-line reason shown for a failed job.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

export function lastLogLine(path: string, maxBytes = 16_384): string | null {
  try {
    const size = statSync(path).size;
    const buf = Buffer.alloc(Math.min(size, maxBytes));
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buf, 0, buf.length, size - buf.length);
    } finally {
      closeSync(fd);
    }
    const lines = buf.toString('utf8').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split(/\r?\n|\r/);
    const meaningful = lines.map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !/^at\s/.test(l) && l !== '^');
    // Prefer the CLI's own one-line error; else a JS error line; else the last line.
    const cliError = [...meaningful].reverse().find((l) => l.startsWith('workbench:') || /^run \S+ (failed|killed): /.test(l));
    const jsError = meaningful.find((l) => /^[A-Za-z]*Error\b/.test(l));
    const line = cliError ?? jsError ?? meaningful[meaningful.length - 1];
    return line ? line.slice(0, 300) : null;
  } catch {
    return null;
  }
}
