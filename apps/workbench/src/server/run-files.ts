// Files of a run folder the run page lists: checkpoints (ARCHITECTURE run-folder layout,
// `checkpoints/step-<N>/`) and the end of `train.log`. URLs point at the checked file route.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { resolveInside } from './safe-path.js';

export function fileUrl(runId: string, relative: string): string {
  return `/api/runs/${encodeURIComponent(runId)}/files/${relative.split('/').map(encodeURIComponent).join('/')}`;
}

export interface CheckpointView {
  step: number;
  dir: string;
  bytes: number;
  files: Array<{ name: string; bytes: number; url: string }>;
}

/** Complete and in-progress checkpoint folders are told apart by name: `step-N` only (the trainer
 *  writes into `step-N.tmp-<pid>` and renames). Newest first. */
export function listCheckpoints(runId: string, runDir: string): CheckpointView[] {
  const root = path.join(runDir, 'checkpoints');
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return [];
  }
  const out: CheckpointView[] = [];
  for (const name of entries) {
    const m = /^step-(\d+)$/.exec(name);
    if (!m) continue;
    const files: CheckpointView['files'] = [];
    for (const f of readdirSync(path.join(root, name))) {
      const st = statSync(path.join(root, name, f));
      if (st.isFile()) files.push({ name: f, bytes: st.size, url: fileUrl(runId, `checkpoints/${name}/${f}`) });
    }
    out.push({ step: Number(m[1]), dir: `checkpoints/${name}`, bytes: files.reduce((s, f) => s + f.bytes, 0), files });
  }
  return out.sort((a, b) => b.step - a.step);
}

const TAIL_BYTES = 256 * 1024;

/** The last `lines` lines of `<runDir>/train.log` (reads at most the last 256 KB). */
export function tailLog(runDir: string, lines: number): { exists: boolean; bytes?: number; lines: string[] } {
  let file: string;
  try {
    file = resolveInside(runDir, 'train.log');
  } catch {
    return { exists: false, lines: [] };
  }
  const size = statSync(file).size;
  const bytes = Math.min(size, TAIL_BYTES);
  const buf = Buffer.alloc(bytes);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, bytes, size - bytes);
  } finally {
    closeSync(fd);
  }
  const all = buf.toString('utf8').split('\n');
  if (bytes < size) all.shift(); // a partial first line
  if (all.at(-1) === '') all.pop();
  return { exists: true, bytes: size, lines: all.slice(-lines) };
}
