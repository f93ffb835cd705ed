import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type EvalResultRow, type TrackingStore } from '@workbench/tracking';
import { buildPaperTables, paperTables, UnknownSweepError } from './paper-tables.js';
import { formatMeanStd, formatTables, parseTableFormat } from './table-format.js';

let dir: string;
let store: TrackingStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paper-tables-'));
  store = openStore(join(dir, 'wb.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

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
  const sweep = store.createSweep({ id: 'sw-mini', grid: { method: ['bicyclegan', 'cvae_gan'], 'model.nz': [2, 8], seed: [0, 1, 2] } });
  let t = 1_000;
  for (const method of ['cvae_gan', 'bicyclegan']) {
    for (const nz of [8, 2]) {
      for (const seed of [0, 1, 2]) {
        const run = store.createRun({ method, config: config(method, nz, seed), sweepId: sweep.id, at: t++ });
        const base = (method === 'bicyclegan' ? 0.11 : 0.09) + (nz === 8 ? 0.01 : 0);
        store.upsertEvalResult(run.id, { metric: 'diversity_lpips_v0.0', value: base + 0.001 * seed, stderr: 0.002, n: 1900 });
        store.upsertEvalResult(run.id, { metric: 'diversity_l1', value: 2 * base, details: { n_inputs: 100, n_samples: 20, pairs: 'consecutive' } });
        store.upsertEvalResult(run.id, { metric: 'real_pairs_lpips_v0.0', value: 0.262 });
        store.upsertEvalResult(run.id, { metric: 'mode_coverage', value: nz / 10 + seed / 100, details: { num_modes: 6, n_samples: 20, ideal: 0.974 } });
        store.upsertEvalResult(run.id, { metric: 'mode_no_match', value: 0.05 });
        if (method === 'bicyclegan' && nz === 8) {
          for (let k = 0; k < 4; k++) store.addJudgment({ runId: run.id, realRef: 'r', fakeRef: 'f', chosen: k < seed + 1 ? 'fake' : 'real' });
        }
      }
    }
  }
  return sweep.id;
}

describe('paper tables', () => {
  it('groups a seeded mini-sweep over seeds as mean ± std (n)', () => {
    const id = seedMiniSweep();
    const tables = paperTables(store, id);
    // method and nz vary; encoder/injection do not, so no reconstruction table.
    expect(tables.map((t) => t.id)).toEqual(['latent_size', 'methods']);
    const methods = tables[1];
    expect(methods.labelColumns.map((c) => c.key)).toEqual(['method', 'model.nz']);
    // Paper order: cVAE-GAN before BicycleGAN; nz ascending; the real-images row last.
    expect(methods.rows.map((r) => `${r.labels.method}/${r.labels['model.nz']}`)).toEqual([
      'cVAE-GAN/2', 'cVAE-GAN/8', 'BicycleGAN/2', 'BicycleGAN/8', 'random real images/',
    ]);
    const bic8 = methods.rows[3];
    expect(bic8.runIds).toHaveLength(3);
    const lp = bic8.values['diversity_lpips_v0.0']!;
    expect(lp.n).toBe(3);
    expect(lp.mean).toBeCloseTo(0.121, 12);
    expect(lp.std).toBeCloseTo(0.001, 12); // sample std of 0.120, 0.121, 0.122
    // Fooling rate from judgments: 1/4, 2/4, 3/4 → 50 ± 25 %.
    expect(bic8.values.fooling_rate!.mean).toBeCloseTo(50, 9);
    expect(bic8.values.fooling_rate!.std).toBeCloseTo(25, 9);
    expect(methods.rows[0].values.fooling_rate).toBeUndefined();
    expect(methods.rows[4].values['diversity_lpips_v0.0']!.mean).toBeCloseTo(0.262, 12);
    expect(methods.metrics.map((m) => m.key)).toEqual(['diversity_lpips_v0.0', 'diversity_l1', 'mode_coverage', 'mode_no_match', 'fooling_rate']);

    const md = formatTables(tables, 'md');
    expect(md).toContain('### Methods: diversity vs mode coverage');
    expect(md).toContain('| BicycleGAN | 8 | 0.1210 ± 0.0010 (3) | 0.2400 ± 0.0000 (3) | 0.810 ± 0.010 (3) | 0.050 ± 0.000 (3) | 50.0 ± 25.0 (3) |');
    expect(md).toContain('| *random real images* |  | 0.2620 ± 0.0000 (12)');
    expect(md).toContain('an ideal sampler (K = 6 modes, M = 20 samples) scores mode coverage 0.974');
    expect(md).toContain('diversity: 100 test inputs × 20 random z, consecutive pairs');

    const csv = formatTables(tables, 'csv').split('\n');
    expect(csv[0]).toBe('table,row,metric,mean,std,n,run_ids');
    expect(csv.filter((l) => l.startsWith('methods,method=bicyclegan; model.nz=8,diversity_lpips_v0.0,0.121'))).toHaveLength(1);

    const tex = formatTables(tables, 'latex');
    expect(tex).toContain('\\begin{tabular}{llrrrrr}');
    expect(tex).toContain('BicycleGAN & 8 & $0.1210 \\pm 0.0010$ {\\scriptsize (3)}');
    expect(tex).toContain('\\label{tab:latent-size}');
    expect(tex).toContain('\\caption{Methods: diversity vs mode coverage. mean $\\pm$ sample std');

    const json = JSON.parse(formatTables(tables, 'json')) as Array<{ id: string; rows: unknown[] }>;
    expect(json.map((t) => t.id)).toEqual(['latent_size', 'methods']);
    expect(json[1].rows).toHaveLength(5);
  });

  it('formats single runs and missing values, and says when nothing was evaluated', () => {
    expect(formatMeanStd({ mean: 0.5, std: Number.NaN, n: 1 }, 3)).toBe('0.500 (1)');
    expect(formatMeanStd(undefined, 3)).toBe('–');
    const sweep = store.createSweep({ id: 'sw-empty' });
    store.createRun({ method: 'bicyclegan', config: config('bicyclegan', 8, 0), sweepId: sweep.id });
    expect(paperTables(store, 'sw-empty')).toEqual([]);
    expect(formatTables([], 'md')).toMatch(/run `workbench eval <sweep-id>` first/);
    expect(() => paperTables(store, 'nope')).toThrow(UnknownSweepError);
    expect(() => parseTableFormat('html')).toThrow(/use one of md, csv, latex, json/);
  });

  it('builds the encoder × injection table and notes a skipped LPIPS', () => {
    const runs = [];
    const evals: EvalResultRow[] = [];
    let t = 0;
    for (const encoder of ['resnet', 'cnn']) {
      for (const where of ['all', 'input']) {
        for (const seed of [0, 1]) {
          const c = { ...config('bicyclegan', 8, seed), model: { encoder, where_add: where, nz: 8 } };
          const run = store.createRun({ method: 'bicyclegan', config: c, at: t++ });
          runs.push(run);
          evals.push({ runId: run.id, metric: 'reconstruction_l1', value: 0.1 + seed * 0.02, stderr: null, n: 200, step: 10, details: {}, createdAt: 0 });
          evals.push({ runId: run.id, metric: 'diversity_l1', value: 0.2, stderr: null, n: 1900, step: 10, details: {}, createdAt: 0 });
        }
      }
    }
    const tables = buildPaperTables({ runs, evals }, { all: true });
    const enc = tables.find((x) => x.id === 'encoder_injection')!;
    expect(enc.rows.map((r) => `${r.labels['model.encoder']} ${r.labels['model.where_add']}`)).toEqual([
      'CNN add_to_input', 'CNN add_to_all', 'ResNet add_to_input', 'ResNet add_to_all',
    ]);
    expect(enc.rows[0].values.reconstruction_l1!.mean).toBeCloseTo(0.11, 12);
    expect(enc.rows[0].values.reconstruction_l1!.std).toBeCloseTo(Math.SQRT2 * 0.01, 12);
    const methods = tables.find((x) => x.id === 'methods')!;
    expect(methods.notes.join(' ')).toMatch(/LPIPS not computed .*workbench lpips import --alexnet/);
    // Mixed protocols are flagged, never averaged silently.
    evals[1].details = { n_inputs: 100, n_samples: 20, pairs: 'consecutive' };
    evals[3].details = { n_inputs: 10, n_samples: 20, pairs: 'consecutive' };
    const mixed = buildPaperTables({ runs, evals }, { all: true }).find((x) => x.id === 'methods')!;
    expect(mixed.notes.join(' ')).toMatch(/WARNING: runs were evaluated with different protocols \(100 test inputs .*; 10 test inputs/);
  });
});
