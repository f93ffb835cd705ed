// How a sweep job tells the runner which run it recorded. The launcher gives the job a file
// path in WORKBENCH_RUN_ID_FILE; `workbench train` writes the run id there as soon as the run
// is recorded (new or resumed). When the job ends the runner reads that file: it never has to
// search the runs by job id (a search depends on the id surviving every parser on the way).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

export const RUN_ID_FILE_ENV = 'WORKBENCH_RUN_ID_FILE';

/** The report file of a job: beside its log (`jobs/003-j2726e66454.log` -> `.run-id`). */
export function runIdFileFor(logPath: string): string {
  return `${logPath.replace(/\.log$/, '')}.run-id`;
}

/** Child side: report the run id when the environment asks for it (atomic: never half-read). */
export function reportRunId(runId: string, env: NodeJS.ProcessEnv = process.env): void {
  const path = env[RUN_ID_FILE_ENV];
  if (!path) return;
  writeFileSync(`${path}.tmp-${process.pid}`, `${runId}\n`);
  renameSync(`${path}.tmp-${process.pid}`, path);
}

/** Runner side: the run id the job reported, or undefined when it recorded none. */
export function readReportedRunId(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const id = readFileSync(path, 'utf8').trim();
  return id === '' ? undefined : id;
}

/** Before a job (re)starts: a report left by an earlier attempt must not be taken for its own. */
export function clearRunReport(path: string): void {
  rmSync(path, { force: true });
}
