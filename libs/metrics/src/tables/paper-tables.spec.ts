import { describe, expect, it } from 'vitest';
import type { EvalResultRow } from '@workbench/tracking';
import { buildPaperTables, paperTables, UnknownSweepError } from './paper-tables.js';
import { formatCell, formatMeanStd, formatTables, parseTableFormat } from './table-format.js';
import { useStoreSandbox } from '@workbench/tracking/testing';

const T975_2 = 4.302652729749462; // Student-t 97.5 % quantile, 2 df (3 seeds)

const sandbox = useStoreSandbox({ each: true });

const config = (method: string, nz: number, seed: number) => ({
  seed,
  method,
  name: '',
  model: { encoder: 'resnet', where_add: 'all', nz },
  data: { dataset: 'shapes' },
  tracking: { db: 'x.db' },
});

/**
 * A seeded mini-sweep: methods {bicyclegan, cvae_gan} × nz {2, 8} × seeds {0, 1, 2}; every
 * metric value is a known function of (method, nz, seed), so group means and stds are known.
 */
function seedMiniSweep(): string {
  const sweep = sandbox.store.createSweep({ id: 'sw-mini', grid: { method: ['bicyclegan', 'cvae_gan'], 'model.nz': [2, 8], seed: [0, 1, 2] } });
  let t = 1_000;
  for (const method of ['cvae_gan', 'bicyclegan']) {
    for (const nz of [8, 2]) {
      for (const seed of [0, 1, 2]) {
        const run = sandbox.store.createRun({ method, config: config(method, nz, seed), sweepId: sweep.id, at: t++ });
        const base = (method === 'bicyclegan' ? 0.11 : 0.09) + (nz === 8 ? 0.01 : 0);
        sandbox.store.upsertEvalResult(run.id, { metric: 'diversity_lpips_v0.0', value: base + 0.001 * seed, stderr: 0.002, n: 1900 });
        sandbox.store.upsertEvalResult(run.id, { metric: 'diversity_l1', value: 2 * base, details: { n_inputs: 100, n_samples: 20, pairs: 'consecutive' } });
        sandbox.store.upsertEvalResult(run.id, { metric: 'real_pairs_lpips_v0.0', value: 0.262 });
        sandbox.store.upsertEvalResult(run.id, { metric: 'mode_coverage', value: nz / 10 + seed / 100, details: { num_modes: 6, n_samples: 20, ideal: 0.974 } });
        sandbox.store.upsertEvalResult(run.id, { metric: 'mode_no_match', value: 0.05 });
        if (method === 'bicyclegan' && nz === 8) {
          for (let k = 0; k < 4; k++) sandbox.store.addJudgment({ runId: run.id, realRef: 'r', fakeRef: 'f', chosen: k < seed + 1 ? 'fake' : 'real' });
        }
      }
    }
  }
  return sweep.id;
}

describe('paper tables', () => {
  it('groups a seeded mini-sweep over seeds as mean, 95 % CI and n, tested against the first row', () => {
    const id = seedMiniSweep();
    const tables = paperTables(sandbox.store, id);
    // method and nz vary; encoder/injection do not, so no reconstruction table.
    expect(tables.map((t) => t.id)).toEqual(['latent_size', 'methods']);
    const methods = tables[1]!;
    expect(methods.labelColumns.map((c) => c.key)).toEqual(['method', 'model.nz']);
    // Paper order: cVAE-GAN before BicycleGAN; nz ascending; the real-images row last.
    expect(methods.rows.map((r) => `${r.labels.method}/${r.labels['model.nz']}`)).toEqual([
      'cVAE-GAN/2', 'cVAE-GAN/8', 'BicycleGAN/2', 'BicycleGAN/8', 'random real images/',
    ]);
    const bic8 = methods.rows[3]!;
    expect(bic8.runIds).toHaveLength(3);
    const lp = bic8.values['diversity_lpips_v0.0']!;
    expect(lp.n).toBe(3);
    expect(lp.mean).toBeCloseTo(0.121, 12);
    expect(lp.std).toBeCloseTo(0.001, 12); // sample std of 0.120, 0.121, 0.122
    expect(lp.hi - lp.mean).toBeCloseTo((T975_2 * 0.001) / Math.sqrt(3), 12);
    expect(lp.evalSe).toBeCloseTo(0.002, 12); // the s.e. eval stored with each run's value
    // Welch vs the first row (cVAE-GAN, |z| = 2: 0.090, 0.091, 0.092): t = 0.030 / sqrt(2e-6/3), df = 4
    expect(methods.referenceRow).toBe(0);
    expect(lp.vsReference!.t).toBeCloseTo(0.03 / Math.sqrt(2e-6 / 3), 6);
    expect(lp.vsReference!.df).toBeCloseTo(4, 9);
    expect(lp.vsReference!.significant).toBe(true);
    // equal constant values: no variance, no test
    expect(bic8.values.diversity_l1!.vsReference).toBeUndefined();
    // Fooling rate from judgments: 1/4, 2/4, 3/4 → 50 ± 25 %.
    expect(bic8.values.fooling_rate!.mean).toBeCloseTo(50, 9);
    expect(bic8.values.fooling_rate!.std).toBeCloseTo(25, 9);
    expect(methods.rows[0]!.values.fooling_rate).toBeUndefined();
    expect(methods.rows[4]!.values['diversity_lpips_v0.0']!.mean).toBeCloseTo(0.262, 12);
    expect(methods.metrics.map((m) => m.key)).toEqual(['diversity_lpips_v0.0', 'diversity_l1', 'mode_coverage', 'mode_no_match', 'fooling_rate']);

    const md = formatTables(tables, 'md');
    expect(md).toContain('### Methods: diversity vs mode coverage');
    expect(md).toContain('| BicycleGAN | 8 | 0.1210 [0.1185, 0.1235] (3) * | 0.2400 [0.2400, 0.2400] (3) | 0.810 [0.785, 0.835] (3) * | 0.050 [0.050, 0.050] (3) | 50.0 [-12.1, 112.1] (3) |');
    expect(md).toContain('| cVAE-GAN (reference) | 2 |');
    expect(md).toContain('| *random real images* |  | 0.2620 [0.2620, 0.2620] (12)');
    expect(md).toContain("* differs from the reference row cVAE-GAN / 2 (two-sided Welch's t-test");
    expect(md).toContain('convergence not checked');
    expect(md).toContain('an ideal sampler (K = 6 modes, M = 20 samples) scores mode coverage 0.974');
    expect(md).toContain('diversity: 100 test inputs × 20 random z, consecutive pairs');

    const csv = formatTables(tables, 'csv').split('\n');
    expect(csv[0]).toBe('table,row,metric,mean,std,n,ci95_lo,ci95_hi,eval_se,reference_row,welch_p,significant,not_converged,run_ids');
    const bicCsv = csv.filter((l) => l.startsWith('methods,method=bicyclegan; model.nz=8,diversity_lpips_v0.0,0.121'));
    expect(bicCsv).toHaveLength(1);
    const f = bicCsv[0]!.split(',');
    expect(Number(f[6])).toBeCloseTo(lp.lo, 12);
    expect(Number(f[7])).toBeCloseTo(lp.hi, 12);
    expect(Number(f[8])).toBeCloseTo(0.002, 12);
    expect(f[9]).toBe('method=cvae_gan; model.nz=2');
    expect(Number(f[10])).toBeCloseTo(lp.vsReference!.p, 12);
    expect(f[11]).toBe('true');

    const tex = formatTables(tables, 'latex');
    expect(tex).toContain('\\begin{tabular}{llrrrrr}');
    expect(tex).toContain('BicycleGAN & 8 & $0.1210$ {\\scriptsize [0.1185, 0.1235] (3)}$^{*}$ & ');
    expect(tex).toContain('\\label{tab:latent-size}');
    expect(tex).toContain("\\caption{Methods: diversity vs mode coverage. mean [95 \\% CI] (n): Student-t");

    const json = JSON.parse(formatTables(tables, 'json')) as Array<{ id: string; rows: unknown[] }>;
    expect(json.map((t) => t.id)).toEqual(['latent_size', 'methods']);
    expect(json[1]!.rows).toHaveLength(5);
  });

  it('formats single runs and missing values, and says when nothing was evaluated', () => {
    expect(formatMeanStd({ mean: 0.5, std: Number.NaN, n: 1 }, 3)).toBe('0.500 (1)');
    const one = { n: 1, mean: 0.194, sd: NaN, std: NaN, se: NaN, lo: NaN, hi: NaN, level: 0.95, samples: [0.194] };
    expect(formatCell({ ...one, evalSe: 0.0171 }, 3)).toBe('0.194 ± 0.017 (1 seed: no interval)');
    expect(formatCell(one, 3)).toBe('0.194 (1 seed: no interval)');
    expect(formatCell(undefined, 3)).toBe('–');
    expect(formatMeanStd(undefined, 3)).toBe('–');
    const sweep = sandbox.store.createSweep({ id: 'sw-empty' });
    sandbox.store.createRun({ method: 'bicyclegan', config: config('bicyclegan', 8, 0), sweepId: sweep.id });
    expect(paperTables(sandbox.store, 'sw-empty')).toEqual([]);
    expect(formatTables([], 'md')).toMatch(/run `workbench eval <sweep-id>` first/);
    expect(() => paperTables(sandbox.store, 'nope')).toThrow(UnknownSweepError);
    expect(() => parseTableFormat('html')).toThrow(/use one of md, csv, latex, json/);
  });

  it('flags rows whose eval_every curve still moves, and takes the reference row from the options', () => {
    const sweep = sandbox.store.createSweep({ id: 'sw-conv' });
    const steps = Array.from({ length: 10 }, (_, i) => (i + 1) * 100);
    const curves: Record<string, number[]> = {
      bicyclegan: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.62, 0.61, 0.63, 0.62], // plateau
      cvae_gan: [0.1, 0.15, 0.2, 0.25, 0.3, 0.36, 0.4, 0.45, 0.52, 0.56], // still rising
    };
    for (const method of ['bicyclegan', 'cvae_gan']) {
      const run = sandbox.store.createRun({ method, config: config(method, 8, 0), sweepId: sweep.id });
      sandbox.store.logMetrics(run.id, steps.map((step, i) => ({ key: 'eval_mode_coverage', step, value: curves[method]![i]! })));
      sandbox.store.upsertEvalResult(run.id, { metric: 'mode_coverage', value: curves[method]![9]!, stderr: 0.0171, n: 300 });
    }
    // a killed cVAE-GAN run (resumed as the one above): curves that still move, no results; not counted
    const killed = sandbox.store.createRun({ method: 'cvae_gan', config: config('cvae_gan', 8, 0), sweepId: sweep.id });
    sandbox.store.logMetrics(killed.id, steps.map((step, i) => ({ key: 'eval_mode_coverage', step, value: 0.05 * (i + 1) })));
    sandbox.store.finishRun(killed.id, 'killed', 'the session ended');
    const t = paperTables(sandbox.store, 'sw-conv', { reference: 'bicyclegan' })[0]!;
    expect(t.rows.map((r) => [r.labels.method, r.convergence])).toEqual([
      ['cVAE-GAN', { checked: 1, notConverged: 1 }],
      ['BicycleGAN', { checked: 1, notConverged: 0 }],
    ]);
    expect(t.referenceRow).toBe(1);
    const md = formatTables([t], 'md');
    expect(md).toContain('| cVAE-GAN (not converged 1/1) | 0.560 ± 0.017 (1 seed: no interval) |');
    expect(md).toContain('| BicycleGAN (reference) | 0.620 ± 0.017 (1 seed: no interval) |');
    expect(md).toMatch(/not converged: the run's eval_mode_coverage curve \(without it: .*\) still moves: over the last 50 % of its train\.eval_every points/);
    expect(formatTables([t], 'csv').split('\n')[1]).toMatch(/,1\/1,/);
    // an unknown reference falls back to the first row and says so
    const u = paperTables(sandbox.store, 'sw-conv', { reference: 'pix2pix' })[0]!;
    expect(u.referenceRow).toBe(0);
    expect(u.notes.join(' ')).toContain("reference 'pix2pix' is not a row of this table");
  });

  it('builds the encoder × injection table and notes a skipped LPIPS', () => {
    const runs = [];
    const evals: EvalResultRow[] = [];
    const encoded: EvalResultRow[] = [];
    let t = 0;
    for (const encoder of ['resnet', 'cnn']) {
      for (const where of ['all', 'input']) {
        for (const seed of [0, 1]) {
          const c = { ...config('bicyclegan', 8, seed), model: { encoder, where_add: where, nz: 8 } };
          const run = sandbox.store.createRun({ method: 'bicyclegan', config: c, at: t++ });
          runs.push(run);
          evals.push({ runId: run.id, metric: 'reconstruction_l1', value: 0.1 + seed * 0.02, stderr: null, n: 200, step: 10, details: {}, createdAt: 0 });
          evals.push({ runId: run.id, metric: 'diversity_l1', value: 0.2, stderr: null, n: 1900, step: 10, details: {}, createdAt: 0 });
          if (encoder === 'resnet') encoded.push({ runId: run.id, metric: 'encoded_mode_accuracy', value: 0.2 + seed * 0.1, stderr: null, n: 400, step: 10, details: {}, createdAt: 0 });
        }
      }
    }
    evals.push(...encoded); // after the others: the protocol check below edits evals[1] and evals[3]
    const tables = buildPaperTables({ runs, evals }, { all: true });
    const enc = tables.find((x) => x.id === 'encoder_injection')!;
    expect(enc.metrics.map((m) => m.label)).toEqual(['reconstruction L1', 'encoded fills correct']);
    // Rows without the measure show none (CNN rows here); the ResNet rows have theirs.
    expect(enc.rows[0]!.values.encoded_mode_accuracy).toBeUndefined();
    expect(enc.rows[3]!.values.encoded_mode_accuracy!.mean).toBeCloseTo(0.25, 12);
    expect(enc.rows.map((r) => `${r.labels['model.encoder']} ${r.labels['model.where_add']}`)).toEqual([
      'CNN add_to_input', 'CNN add_to_all', 'ResNet add_to_input', 'ResNet add_to_all',
    ]);
    expect(enc.rows[0]!.values.reconstruction_l1!.mean).toBeCloseTo(0.11, 12);
    expect(enc.rows[0]!.values.reconstruction_l1!.std).toBeCloseTo(Math.SQRT2 * 0.01, 12);
    const methods = tables.find((x) => x.id === 'methods')!;
    expect(methods.notes.join(' ')).toMatch(/LPIPS not computed .*workbench lpips import --alexnet/);
    // Mixed protocols are flagged, never averaged silently.
    evals[1]!.details = { n_inputs: 100, n_samples: 20, pairs: 'consecutive' };
    evals[3]!.details = { n_inputs: 10, n_samples: 20, pairs: 'consecutive' };
    const mixed = buildPaperTables({ runs, evals }, { all: true }).find((x) => x.id === 'methods')!;
    expect(mixed.notes.join(' ')).toMatch(/WARNING: runs were evaluated with different protocols \(100 test inputs .*; 10 test inputs/);
  });
});
