// Files of a run folder the run page lists: checkpoints (the run layout of @workbench/tracking,
// run/layout.ts) and the end of `train.log`. URLs point at the checked file route.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { completeCheckpoints, RUN_FILES } from '@workbench/tracking';
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

/** The run's complete checkpoints (the layout's one rule: a half-written `step-N.tmp-<pid>` is
 *  not one), newest first. */
export function listCheckpoints(runId: string, runDir: string): CheckpointView[] {
  const out: CheckpointView[] = [];
  for (const ckpt of completeCheckpoints(runDir)) {
    const dir = path.relative(runDir, ckpt.dir).split(path.sep).join('/');
    const files: CheckpointView['files'] = [];
    for (const f of readdirSync(ckpt.dir)) {
      const st = statSync(path.join(ckpt.dir, f));
      if (st.isFile()) files.push({ name: f, bytes: st.size, url: fileUrl(runId, `${dir}/${f}`) });
    }
    out.push({ step: ckpt.step, dir, bytes: files.reduce((s, f) => s + f.bytes, 0), files });
  }
  return out.reverse();
}

const TAIL_BYTES = 256 * 1024;

/** The end of a run's train.log; `bytes` (the whole file's size) only when it exists. */
export interface LogTail {
  exists: boolean;
  bytes?: number;
  lines: string[];
}

/** The last `lines` lines of `<runDir>/train.log` (reads at most the last 256 KB). */
export function tailLog(runDir: string, lines: number): LogTail {
  let file: string;
  try {
    file = resolveInside(runDir, RUN_FILES.log);
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
