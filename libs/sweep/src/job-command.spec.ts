// A job's ids reach the trainer as overrides and must parse back as the same strings: job ids
// are 10 hex digits, and some read as numbers (`848588e852` = 848588 x 10^852 = Infinity,
// `0123456789` = 123456789). Such a run linked to a job id that does not exist, and the sweep
// recorded the job without its run (the e2e test failed on it about once in 20 runs).
import { composeConfig } from '@workbench/config';
import { describe, expect, it } from 'vitest';
import { jobArgv } from './job-command.js';

describe('jobArgv', () => {
  it.each(['848588e852', '0123456789', '1e10', '00000000ff', 'd24578148c'])('job id %s reaches the trainer unchanged', (jobId) => {
    const argv = jobArgv(['node', 'workbench.js', 'train'], ['model.nz=8'], 'sweep-20261204-142235-8b55c5bf', jobId);
    const { config } = composeConfig({ overrides: argv.slice(3), env: {} });
    expect(config.sweep.job).toBe(jobId);
    expect(config.sweep.id).toBe('sweep-20261204-142235-8b55c5bf');
    expect(config.model.nz).toBe(8);
  });
});
