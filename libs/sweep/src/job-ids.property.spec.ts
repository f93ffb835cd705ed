// Property (issue 13): a job id reaches the runner unchanged, whatever it looks like. Many ids,
// including the forms the override parser reads as numbers, bools or NaN, go through the path a
// job takes: the plan's ids, the child's argv, its composed config, the store, and the runner's
// lookup of the run the child reported.
import { join } from 'node:path';
import { composeConfig, jobId, parseValue } from '@workbench/config';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jobArgv } from './job-command.js';
import { mangledJobId } from './repair-job-links.js';
import { readReportedRunId, reportRunId, RUN_ID_FILE_ENV } from './run-report.js';
import { useStoreSandbox } from '@workbench/tracking/testing';

const SPECIAL = ['1e5', '0x10', '007', 'Infinity', 'nan', 'true', 'False', 'null', '-0', '2726e66454', '8111160e42', '0123456789', '1E5', '+5', '.5', 'inf'];
/** Ids as the runner may meet them: special forms, old bare-hex ids, new ids, and number-like text. */
const anyId = fc.oneof(
  fc.constantFrom(...SPECIAL),
  fc.stringMatching(/^[0-9a-f]{10}$/),
  fc.stringMatching(/^[0-9]{1,8}[eE][0-9]{1,3}$/),
  fc.stringMatching(/^[0-9a-fA-FxXeE.+_-]{1,12}$/),
  fc.stringMatching(/^j[0-9a-f]{10}$/),
);
const PARAMS = { seed: 0x5eed, numRuns: 200 };

const sandbox = useStoreSandbox();

describe('job ids end to end', () => {
  it('planned ids never read as anything but themselves', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }), (values) => {
        const id = jobId(values.map((v, i) => `name${i}=${JSON.stringify(v)}`));
        const parsed = parseValue(id);
        expect(parsed.kind === 'value' && parsed.value).toBe(id);
        expect(mangledJobId(id)).toBe(id);
      }),
      PARAMS,
    );
  });

  it('argv -> config -> store -> reported run: the same id', () => {
    const { dir, store } = sandbox;
    let n = 0;
    fc.assert(
      fc.property(anyId, (id) => {
        const sweepId = `sweep-prop-${n++}`;
        // The child: its argv (after the command prefix) composes to a config holding the id.
        const argv = jobArgv(['node', 'workbench', 'train'], ['seed=3'], sweepId, id);
        const { config } = composeConfig({ overrides: argv.slice(3), env: {} });
        expect(config.sweep.job).toBe(id);
        expect(config.sweep.id).toBe(sweepId);
        // The store: the sweep job and the run the child records under its config's job id.
        store.createSweep({ id: sweepId });
        store.addSweepJobs(sweepId, [{ jobId: id, index: 0, overrides: ['seed=3'], status: 'running' }]);
        const run = store.createRun({ method: 'bicyclegan', config: { seed: 3 }, sweepId, jobId: config.sweep.job });
        // The lookup: the child reports its run, the runner reads the report.
        const file = join(dir, `${n}.run-id`);
        reportRunId(run.id, { [RUN_ID_FILE_ENV]: file });
        const found = store.getRun(readReportedRunId(file) as string);
        expect(found?.jobId).toBe(id);
        store.updateSweepJob(sweepId, id, { runId: found?.id ?? null, status: 'finished' });
        expect(store.getSweep(sweepId)?.jobs.map((j) => [j.jobId, j.runStatus])).toEqual([[id, 'running']]);
      }),
      PARAMS,
    );
  });
});
