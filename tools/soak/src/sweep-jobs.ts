// Soak: the sweep scenario of libs/sweep/src/run-sweep-train.spec.ts (a real 2-job sweep of
// `workbench train` with a failure and a resume), repeated, counting jobs that finished without
// their run ("losses", issue 13) and any other way an iteration went wrong.
//
//   node bin/run-ts.js tools/soak/src/sweep-jobs.ts --runs 200 --parallel 2
//
// Prints one line per iteration and a summary; exits 1 if any iteration lost a run or failed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runTrainSweepScenario } from '@workbench/sweep/train-sweep-scenario';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '200' }, parallel: { type: 'string', default: '2' } } });
const runs = Number(values.runs);
const parallel = Number(values.parallel);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(parallel) || parallel < 1) {
  console.error('usage: sweep-jobs.ts --runs <n >= 1> --parallel <n >= 1>');
  process.exit(2);
}

/** What went wrong in one iteration (empty = nothing): lost runs first. */
async function iteration(): Promise<{ lost: number; problems: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'soak-sweep-'));
  try {
    const { store, first, second } = await runTrainSweepScenario(dir);
    try {
      const problems: string[] = [];
      // A loss: a job that ended finished but is recorded without its run.
      const lost = [...first.sweep.jobs, ...second.sweep.jobs].filter((j) => j.status === 'finished' && j.runId === null);
      for (const j of lost) problems.push(`job ${j.index} (${j.jobId}) finished without its run`);
      const states = second.sweep.jobs.map((j) => `${j.status}/${j.runStatus}`).join(' ');
      if (states !== 'finished/finished finished/finished') problems.push(`after resume: ${states}`);
      if (first.sweep.jobs[1]?.status !== 'failed') problems.push(`job 1 should fail before its data exists: ${first.sweep.jobs[1]?.status}`);
      return { lost: lost.length, problems };
    } finally {
      store.close();
    }
  } catch (err) {
    return { lost: 0, problems: [`error: ${(err as Error).message.split('\n')[0]}`] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let next = 0;
let done = 0;
let lost = 0;
let bad = 0;
const t0 = Date.now();
async function worker(): Promise<void> {
  while (next < runs) {
    const i = ++next;
    const r = await iteration();
    done++;
    lost += r.lost;
    if (r.problems.length > 0) bad++;
    console.log(`${String(i).padStart(String(runs).length)}/${runs} ${r.problems.length === 0 ? 'ok' : r.problems.join('; ')}`);
  }
}
await Promise.all(Array.from({ length: parallel }, worker));
const minutes = ((Date.now() - t0) / 60_000).toFixed(1);
console.log(`${done} sweeps (${2 * done} jobs, ${3 * done} train processes) in ${minutes} min: ${lost} runs lost, ${bad} iterations with problems`);
process.exitCode = lost > 0 || bad > 0 ? 1 : 0;
