import { describe, expect, it } from 'vitest';
import { planSweep } from './plan-sweep.js';
import { SweepError } from './sweep-error.js';

describe('planSweep', () => {
  it('expands a grid with stable job ids and the sweep-level settings', () => {
    const plan = planSweep(['model.nz=2,8', 'seed=0,1', 'tracking.db=/tmp/x.db']);
    expect(plan.jobs).toHaveLength(4);
    expect(new Set(plan.jobs.map((j) => j.jobId)).size).toBe(4);
    expect(planSweep(['seed=0,1', 'model.nz=2,8', 'tracking.db=/tmp/x.db']).jobs.map((j) => j.jobId).sort()).toEqual(plan.jobs.map((j) => j.jobId).sort());
    expect(plan.settings.tracking.db).toBe('/tmp/x.db');
  });

  it('refuses a token on the command line: it would be stored with the sweep and in job scripts', () => {
    for (const o of ['serve.token=s3cret-s3cret', '+serve.token=s3cret-s3cret']) {
      expect(() => planSweep(['seed=0,1', o])).toThrow(SweepError);
      expect(() => planSweep(['seed=0,1', o])).toThrow(/pass the token as the environment variable WORKBENCH_TOKEN/);
    }
  });

  it('refuses sweep-level settings that differ between jobs', () => {
    expect(() => planSweep(['tracking.db=a.db,b.db'])).toThrow(/must be the same for every job/);
  });
});
