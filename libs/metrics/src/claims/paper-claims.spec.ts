import { describe, expect, it } from 'vitest';
import { useStoreSandbox } from '@workbench/tracking/testing';
import { paperTables } from '../tables/paper-tables.js';
import { meanInterval } from '../stats/mean-interval.js';
import type { TableCell } from '../tables/paper-tables.js';
import { allOf, atMost, betterThan, similarTo, welchDifference } from './claim-verdict.js';
import { checkPaperClaims, formatClaims, PAPER_CLAIMS } from './paper-claims.js';

const sandbox = useStoreSandbox({ each: true });

const cell = (samples: number[]): TableCell => {
  const iv = meanInterval(samples);
  return { ...iv, std: iv.sd, samples };
};

/** One sweep of `groups` (config → per-seed metric values), the way eval stores them. */
function seedSweep(id: string, groups: Array<{ method?: string; model?: Record<string, unknown>; metrics: Record<string, number[]> }>): string {
  const sweep = sandbox.store.createSweep({ id, grid: {} });
  let t = 1_000;
  for (const g of groups) {
    const n = Object.values(g.metrics)[0]?.length ?? 0;
    for (let seed = 0; seed < n; seed++) {
      const method = g.method ?? 'bicyclegan';
      const config = { seed, method, name: '', model: { encoder: 'resnet', where_add: 'all', nz: 8, ...g.model }, data: { dataset: 'shapes' } };
      const run = sandbox.store.createRun({ method, config, sweepId: sweep.id, at: t++ });
      for (const [metric, values] of Object.entries(g.metrics)) {
        const details = metric === 'mode_coverage' ? { num_modes: 4, n_samples: 20, ideal: 0.974 } : {};
        sandbox.store.upsertEvalResult(run.id, { metric, value: values[seed]!, details });
      }
    }
  }
  return sweep.id;
}

const methodsGroups = (overrides: Record<string, { mode_coverage: number[]; mode_no_match: number[] }> = {}) =>
  Object.entries({
    bicyclegan: { mode_coverage: [0.81, 0.8, 0.79], mode_no_match: [0.1, 0.11, 0.12] },
    cvae_gan: { mode_coverage: [0.61, 0.6, 0.59], mode_no_match: [0.3, 0.31, 0.32] },
    clr_gan: { mode_coverage: [0.41, 0.4, 0.39], mode_no_match: [0.2, 0.21, 0.22] },
    pix2pix_noise: { mode_coverage: [0.2, 0.21, 0.22], mode_no_match: [0.25, 0.26, 0.27] },
    ...overrides,
  }).map(([method, metrics]) => ({ method, metrics }));

describe('claim verdicts', () => {
  it("gives Welch's difference with its 95 % interval", () => {
    // a = 1,2,3 vs b = 4,5,6: diff −3, se √(2/3), df 4, t₀.₉₇₅,₄ = 2.776445, p = 0.02131
    const d = welchDifference(cell([1, 2, 3]), cell([4, 5, 6]))!;
    expect(d.diff).toBe(-3);
    expect(d.hi).toBeCloseTo(-3 + 2.776445105 * Math.sqrt(2 / 3), 6);
    expect(d.lo).toBeCloseTo(-3 - 2.776445105 * Math.sqrt(2 / 3), 6);
    expect(d.p).toBeCloseTo(0.02131, 4);
  });

  it('is reproduced, not reproduced or inconclusive by direction and significance', () => {
    expect(betterThan(cell([4, 5, 6]), cell([1, 2, 3]), 'higher', 2).verdict).toBe('reproduced');
    expect(betterThan(cell([4, 5, 6]), cell([1, 2, 3]), 'lower', 2)).toMatchObject({ verdict: 'not reproduced', reason: expect.stringContaining('the other way') });
    expect(betterThan(cell([1, 5, 3]), cell([2, 4, 3.5]), 'higher', 2)).toMatchObject({ verdict: 'inconclusive', reason: expect.stringContaining('do not separate') });
    expect(betterThan(cell([5]), cell([1, 2, 3]), 'higher', 2)).toMatchObject({ verdict: 'inconclusive', reason: expect.stringContaining('n = 1 and 3') });
  });

  it('judges "differ little" as an equivalence test within 10 % of the reference', () => {
    expect(similarTo(cell([0.1, 0.101, 0.102]), cell([0.1, 0.1005, 0.1015]), 4).verdict).toBe('reproduced');
    expect(similarTo(cell([0.2, 0.201, 0.202]), cell([0.1, 0.1005, 0.1015]), 4).verdict).toBe('not reproduced');
    // same means but noisy seeds: the interval is wider than ±10 %
    expect(similarTo(cell([0.05, 0.1, 0.15]), cell([0.06, 0.1, 0.14]), 4).verdict).toBe('inconclusive');
  });

  it('judges "at most" on the interval and combines parts', () => {
    expect(atMost(cell([0.1, 0.11, 0.12]), 0.2, 3).verdict).toBe('reproduced');
    expect(atMost(cell([0.5, 0.55, 0.6]), 0.2, 3).verdict).toBe('not reproduced');
    expect(atMost(cell([0.1, 0.3, 0.2]), 0.2, 3).verdict).toBe('inconclusive');
    expect(atMost(cell([0.1]), 0.2, 3).reason).toContain('1 seed');
    expect(allOf(['reproduced', 'reproduced'])).toBe('reproduced');
    expect(allOf(['reproduced', 'inconclusive'])).toBe('inconclusive');
    expect(allOf(['inconclusive', 'not reproduced'])).toBe('not reproduced');
  });
});

describe('paper claims', () => {
  it('checks the methods claims on mode coverage and no-mode fills, pix2pix+noise against ideal / K', () => {
    const tables = paperTables(sandbox.store, seedSweep('sw-methods', methodsGroups()));
    const byId = Object.fromEntries(checkPaperClaims(tables).map((c) => [c.id, c]));
    // limit = 0.974 / 4 = 0.2435; pix2pix+noise's interval 0.21 ± 0.0248 lies below it
    expect(byId.M1).toMatchObject({ verdict: 'reproduced', ours: expect.stringContaining('collapse bound 0.243 (one mode of K = 4') });
    for (const id of ['M2', 'M3', 'M4', 'M5', 'M6', 'M7']) expect(byId[id]?.verdict, id).toBe('reproduced');
    expect(byId.M0?.verdict).toBe('reproduced');
    expect(byId.M3?.ours).toBe('mode coverage: BicycleGAN 0.800 [0.775, 0.825] (3) vs cVAE-GAN 0.600 [0.575, 0.625] (3)');
    expect(byId.M5?.ours).toContain('no-mode fills: BicycleGAN 0.110');
    // no encoder_injection or latent_size sweep: those claims are not run
    expect(byId.E1).toMatchObject({ verdict: 'not run', reason: expect.stringContaining('no encoder_injection table') });
    expect(byId.Z2?.verdict).toBe('not run');
    expect(formatClaims(checkPaperClaims(tables)).split('\n')).toHaveLength(2 + PAPER_CLAIMS.length + 1);
  });

  it('says not reproduced when another method is significantly better, and the summary follows', () => {
    const tables = paperTables(sandbox.store, seedSweep('sw-methods', methodsGroups({
      clr_gan: { mode_coverage: [0.91, 0.9, 0.89], mode_no_match: [0.2, 0.21, 0.22] },
      pix2pix_noise: { mode_coverage: [0.5, 0.55, 0.6], mode_no_match: [0.25, 0.26, 0.27] },
    })));
    const byId = Object.fromEntries(checkPaperClaims(tables).map((c) => [c.id, c]));
    expect(byId.M4).toMatchObject({ verdict: 'not reproduced', reason: expect.stringContaining('the other way') });
    expect(byId.M1).toMatchObject({ verdict: 'not reproduced', reason: expect.stringContaining('entirely above') });
    expect(byId.M0).toMatchObject({ verdict: 'not reproduced', reason: expect.stringContaining('M4 not reproduced') });
  });

  it('checks the |z| and encoder × injection claims on their own sweeps', () => {
    const latent = paperTables(sandbox.store, seedSweep('sw-nz', [
      { model: { nz: 2 }, metrics: { mode_coverage: [0.3, 0.32, 0.31], mode_no_match: [0.1, 0.12, 0.11] } },
      { model: { nz: 8 }, metrics: { mode_coverage: [0.8, 0.82, 0.81], mode_no_match: [0.1, 0.12, 0.11] } },
      { model: { nz: 256 }, metrics: { mode_coverage: [0.8, 0.82, 0.81], mode_no_match: [0.1, 0.2, 0.3] } },
    ]));
    const enc = paperTables(sandbox.store, seedSweep('sw-enc', [
      { model: { encoder: 'resnet', where_add: 'all' }, metrics: { reconstruction_l1: [0.1, 0.101, 0.102] } },
      { model: { encoder: 'resnet', where_add: 'input' }, metrics: { reconstruction_l1: [0.1, 0.1005, 0.1015] } },
      { model: { encoder: 'cnn', where_add: 'all' }, metrics: { reconstruction_l1: [0.2, 0.201, 0.202] } },
      { model: { encoder: 'cnn', where_add: 'input' }, metrics: { reconstruction_l1: [0.05, 0.25, 0.15] } },
    ]));
    const byId = Object.fromEntries(checkPaperClaims([...latent, ...enc]).map((c) => [c.id, c]));
    expect(byId.Z1?.verdict).toBe('reproduced');
    expect(byId.Z2).toMatchObject({ verdict: 'inconclusive', ours: expect.stringContaining('|z|') });
    expect(byId.E1?.verdict).toBe('reproduced');
    expect(byId.E2?.verdict).toBe('inconclusive');
    expect(byId.E3).toMatchObject({ verdict: 'not reproduced', ours: expect.stringContaining('ResNet / add_to_all') });
    expect(byId.M1?.verdict).toBe('not run');
  });
});
