// The sbatch script of a Slurm sweep: ONE job array whose task N runs the `workbench train`
// command of sweep job N. It is written into the sweep folder (`slurm/array-<k>.sbatch`) so a
// user can read it and resubmit it by hand.
//
// Each task runs the trainer in the background under a small bash supervisor:
// - Slurm sends SIGTERM to every process of a job that is cancelled, preempted or out of time:
//   the trainer checkpoints and exits 143 (run `killed`); the shell ignores it and waits;
// - with a time limit, `--signal=B:USR1@<grace>` warns the shell <grace> s before the limit and
//   the shell passes SIGTERM on, so the checkpoint happens before Slurm's hard kill;
// - the shell writes the trainer's exit code to `slurm/exit/<array>_<task>.<restart>`: the
//   launcher reads it even where `sacct` is unavailable (no slurmdbd) or the job left Slurm's memory;
// - a task Slurm requeues (preemption in REQUEUE mode, node failure) continues the run its
//   previous attempt started (`resume=<run id>`, found in the job log) instead of starting over.
import type { ResolvedConfig } from '@workbench/config';
import { RUN_ID_FILE_ENV } from './run-report.js';

export type SlurmOptions = Pick<ResolvedConfig['launcher'], 'partition' | 'time' | 'cpus_per_task' | 'gpus_per_task' | 'mem' | 'max_parallel' | 'extra'>;

export interface SbatchTask {
  index: number;
  argv: string[];
  logPath: string;
  /** Where the task reports its run id (exported as WORKBENCH_RUN_ID_FILE, run-report.ts). */
  runIdFile: string;
}

export interface SbatchScriptInput {
  sweepId: string;
  tasks: SbatchTask[];
  /** Working directory of every task (`--chdir`). */
  cwd: string;
  /** `<sweep dir>/slurm`: Slurm's own output files and the exit-code files. */
  slurmDir: string;
  options: SlurmOptions;
  /** Seconds before the time limit at which the run is asked to checkpoint and stop (default 120). */
  timeLimitGraceSeconds?: number;
}

/** Single-quote for bash: 'it'\''s'. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `--array` value: sorted indices as ranges (`0-2,5,7-9`), `%N` throttle when N > 0. */
export function arraySpec(indices: readonly number[], maxParallel = 0): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const ranges: Array<{ from: number; to: number }> = [];
  for (const n of sorted) {
    const last = ranges.at(-1);
    if (last && n === last.to + 1) last.to = n;
    else ranges.push({ from: n, to: n });
  }
  return ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(',') + (maxParallel > 0 ? `%${maxParallel}` : '');
}

/** Seconds of a Slurm time limit (`M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`); null if unparsable. */
export function slurmTimeSeconds(time: string): number | null {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(time.trim());
  if (!m) return null;
  const [days, a, b, c] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
  if (days !== undefined) return days * 86400 + a! * 3600 + (b ?? 0) * 60 + (c ?? 0); // D-H[:M[:S]]
  if (c !== undefined) return a! * 3600 + b! * 60 + c; // H:M:S
  if (b !== undefined) return a! * 60 + b; // M:S
  return a! * 60; // M
}

/** The checkpoint warning before the time limit: the grace asked for, at most a tenth of the limit. */
function warningSeconds(time: string, grace: number): number {
  const limit = slurmTimeSeconds(time);
  return limit === null ? grace : Math.min(grace, Math.floor(limit / 10));
}

/** The job name of a sweep's arrays (squeue -n finds its tasks). */
export const slurmJobName = (sweepId: string): string => `wb-${sweepId}`;

export function buildSbatchScript(input: SbatchScriptInput): string {
  const o = input.options;
  const q = shellQuote;
  const grace = input.timeLimitGraceSeconds ?? 120;
  const indices = input.tasks.map((t) => t.index);
  const directives = [
    `--job-name=${slurmJobName(input.sweepId)}`,
    `--array=${arraySpec(indices, o.max_parallel)}`,
    `--output=${input.slurmDir}/slurm-%A_%a.out`,
    '--open-mode=append',
    `--chdir=${input.cwd}`,
    '--ntasks=1',
    `--cpus-per-task=${o.cpus_per_task}`,
    ...(o.gpus_per_task > 0 ? [`--gpus-per-task=${o.gpus_per_task}`] : []),
    ...(o.partition ? [`--partition=${o.partition}`] : []),
    ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.time && warningSeconds(o.time, grace) >= 5 ? [`--signal=B:USR1@${warningSeconds(o.time, grace)}`] : []),
    ...(o.mem ? [`--mem=${o.mem}`] : []),
  ].map((d) => `#SBATCH ${d}`);
  const extra = o.extra.map((line) => {
    const l = line.trim();
    return l.startsWith('#SBATCH') ? l : `#SBATCH ${l}`;
  });
  const cases = input.tasks.map(
    (t) => `  ${t.index})\n    log=${q(t.logPath)}\n    export ${RUN_ID_FILE_ENV}=${q(t.runIdFile)}\n    cmd=(${t.argv.map(q).join(' ')}) ;;`,
  );
  const exitDir = `${input.slurmDir}/exit`;
  return `#!/bin/bash
# Generated by 'workbench sweep' for sweep ${input.sweepId}: one Slurm job array, task N = sweep job N
# (${input.tasks.length} job${input.tasks.length === 1 ? '' : 's'}: ${arraySpec(indices)}). Resubmit by hand with: sbatch <this file>
# (the runs still report to tracking; 'workbench sweep status ${input.sweepId}' shows them).
${directives.join('\n')}
${extra.length > 0 ? `# launcher.extra\n${extra.join('\n')}\n` : ''}
set -u
case "\${SLURM_ARRAY_TASK_ID:?submit this script with sbatch}" in
${cases.join('\n')}
  *)
    echo "workbench: no sweep job with index $SLURM_ARRAY_TASK_ID in this script" >&2
    exit 2 ;;
esac
restart=\${SLURM_RESTART_COUNT:-0}
exit_file=${q(exitDir)}/"\${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID}.$restart"
mkdir -p "$(dirname "$log")" ${q(exitDir)}
echo "# $(date -Is) slurm job \${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID} (job id \${SLURM_JOB_ID}, restart $restart) on $(hostname)" >>"$log"
# Requeued by Slurm (preemption with PreemptMode=REQUEUE, node failure, scontrol requeue): continue
# the run the previous attempt started (its "run <id>" / "resuming <id>" line) from its checkpoint.
if [ "$restart" -gt 0 ]; then
  prev=$(grep -aoE '^(run|resuming) [0-9]{8}-[0-9]{6}-[0-9a-f]+$' "$log" 2>/dev/null | tail -n 1 | cut -d' ' -f2)
  if [ -n "$prev" ]; then
    echo "# requeued by Slurm: continuing run $prev from its last checkpoint" >>"$log"
    cmd+=("resume=$prev")
  fi
fi

"\${cmd[@]}" >>"$log" 2>&1 &
pid=$!
# Cancelled, preempted or out of time: Slurm sends SIGTERM to every process of the job; the run
# checkpoints and exits 143. This shell ignores it (set after the start, so the run does not
# inherit the ignore) and stays to record the exit code.
trap '' TERM
# --signal=B:USR1@N (set with launcher.time): the time limit is N s away; stop the run cleanly now.
trap 'warned=1; echo "# $(date -Is) time limit near: asking the run to checkpoint and stop" >>"$log"; kill -TERM "$pid" 2>/dev/null' USR1
while :; do
  wait "$pid"
  rc=$?
  kill -0 "$pid" 2>/dev/null || break # else wait returned early for the USR1 trap: keep waiting
done
if [ "\${warned:-0}" = 1 ] && [ "$rc" -eq 138 ]; then
  # the run ended while the USR1 trap ran: collect its own status (it got SIGTERM from us)
  wait "$pid" 2>/dev/null
  late=$?
  if [ "$late" -ge 0 ] && [ "$late" -le 255 ] && [ "$late" -ne 127 ]; then rc=$late; else rc=143; fi
fi
if [ "$rc" -eq 143 ]; then
  echo "# $(date -Is) the run stopped on SIGTERM (Slurm cancel, preemption or time limit); 'workbench sweep resume' continues it from its checkpoint" >>"$log"
fi
echo "$rc" >"$exit_file.tmp" && mv -f "$exit_file.tmp" "$exit_file" # atomic: never read half-written
exit "$rc"
`;
}
