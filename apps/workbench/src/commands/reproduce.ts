// `workbench reproduce`: the paper's claims checked end to end. Trains (or resumes) the paper grids
// at scale=cpu, evaluates them, writes one report folder per sweep and a README that takes the
// paper's claims one by one with a verdict. Interrupted? Run it again: finished jobs are kept.
//
//   npx workbench reproduce --out docs/reproduction                    # all shapes grids
//   npx workbench reproduce --out docs/reproduction --facades <folder> # + the methods on facades
//   npx workbench reproduce --out docs/reproduction --no-train         # rebuild from the database
import type { Command } from 'commander';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeConfig } from '@workbench/config';
import { checkPaperClaims, type PaperTable, type PaperTableId } from '@workbench/metrics';
import { openStore, resolveRunsRoot, type TrackingStore } from '@workbench/tracking';
import { intFlag } from '../int-flag.js';
import { buildReport } from '../report/build-report.js';
import { reproductionReadme, type ReproducedSweep } from '../report/reproduction-readme.js';
import { UserError } from '../user-error.js';
import { withConfigErrors } from './config.js';
import { evaluateSweep, latestSweepOf, trainExperimentSweep } from './experiment-sweep.js';

interface PaperGrid {
  /** report folder and `--only` name */
  name: string;
  experiment: string;
  /** the paper table it fills */
  table: PaperTableId;
  about: string;
  /** the row the report's tables test the others against */
  reference: string;
  /** needs a data folder (`--facades`) */
  facades?: boolean;
}

export const PAPER_GRIDS: readonly PaperGrid[] = [
  { name: 'methods', experiment: 'paper/methods', table: 'methods', about: 'six methods × 3 seeds: diversity vs realism (M0–M7)', reference: 'BicycleGAN' },
  { name: 'encoder_injection', experiment: 'paper/encoder_injection', table: 'encoder_injection', about: 'encoder × z injection × 3 seeds: reconstruction (E1–E3)', reference: 'ResNet / add_to_all' },
  { name: 'latent_size', experiment: 'paper/latent_size', table: 'latent_size', about: '|z| = 2, 8, 256 × 3 seeds (Z1, Z2)', reference: '8' },
  { name: 'methods_facades', experiment: 'paper/methods_facades', table: 'methods', about: 'four methods × 3 seeds on facades (M claims on real data)', reference: 'BicycleGAN', facades: true },
];

interface ReproduceOptions {
  out: string;
  only?: string;
  train: boolean;
  facades?: string;
  jobs?: number;
}

function selectGrids(store: TrackingStore, opts: ReproduceOptions): PaperGrid[] {
  if (opts.only !== undefined) {
    const names = opts.only.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !PAPER_GRIDS.some((g) => g.name === n));
    if (unknown.length > 0 || names.length === 0) {
      throw new UserError(`--only: unknown grid '${unknown.join(',') || opts.only}'; choose from ${PAPER_GRIDS.map((g) => g.name).join(', ')} (comma-separated)`);
    }
    return PAPER_GRIDS.filter((g) => names.includes(g.name));
  }
  // facades only when its folder is given or its sweep already exists
  return PAPER_GRIDS.filter((g) => !g.facades || opts.facades !== undefined || latestSweepOf(store, g.experiment) !== undefined);
}

export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description("check the paper's claims: train (or resume) the paper grids at scale=cpu, evaluate them, write a report per sweep and a README with a verdict per claim")
    .argument('[overrides...]', 'overrides for every new job and the evaluation, e.g. tracking.db=paper.db sweep.seeds=5')
    .option('--out <dir>', 'output folder', 'reproduction')
    .option('--only <grids>', `train only these (comma-separated: ${PAPER_GRIDS.map((g) => g.name).join(', ')}); every grid in the database is reported`)
    .option('--facades <folder>', 'the pix2pix facades folder (train/, test/): adds the methods grid on facades')
    .option('--no-train', 'train nothing: report the sweeps already in the database (finished runs without results are still evaluated)')
    .option('-j, --jobs <n>', 'parallel training jobs (default: what the cores allow)', intFlag('--jobs', 1))
    .action(async (overrides: string[], opts: ReproduceOptions) => {
      const { config } = withConfigErrors(() => composeConfig({ overrides }));
      const store = openStore(config.tracking.db, { mustExist: !opts.train });
      try {
        const grids = selectGrids(store, opts);
        const again = `workbench ${process.argv.slice(2).join(' ')}`;
        const dataRoot = opts.facades !== undefined ? [`data.root=${opts.facades}`] : [];
        if (opts.train) {
          for (const g of grids) {
            if (g.facades && opts.facades === undefined && !latestSweepOf(store, g.experiment)) {
              throw new UserError(`${g.experiment} needs the facades folder: add --facades <folder> (with train/ and test/ of A|B images)`);
            }
            const extra = g.facades ? [...overrides, ...dataRoot] : overrides;
            await trainExperimentSweep(store, g.experiment, extra, { jobs: opts.jobs, again, freshCommand: `workbench train -m +experiment=${g.experiment}` });
          }
        }

        // Every grid whose sweep is in the database is reported, trained now or before.
        const shapesTables: PaperTable[] = [];
        let facadesTables: PaperTable[] | undefined;
        const sweeps: ReproducedSweep[] = [];
        for (const g of PAPER_GRIDS) {
          const id = latestSweepOf(store, g.experiment)?.id;
          const command = `workbench train -m +experiment=${g.experiment}${g.facades ? ' data.root=<facades>' : ''}`;
          if (id === undefined) {
            if (!g.facades) sweeps.push({ name: g.name, experiment: g.experiment, about: g.about, command });
            continue;
          }
          await evaluateSweep(store, id, g.facades ? [...overrides, ...dataRoot] : overrides);
          const res = await buildReport(store, id, { outDir: join(opts.out, g.name), dbPath: config.tracking.db, runsRoot: resolveRunsRoot(config.train.runs_dir), reference: g.reference, lpipsVersion: config.eval.lpips_version, gridSeeds: 1 });
          console.log(`wrote ${res.readmePath} (${res.charts.length} charts, ${res.grids.length} grids)`);
          const tables = res.tables.filter((t) => t.id === g.table);
          if (g.facades) facadesTables = tables;
          else shapesTables.push(...tables);
          const rows = tables.flatMap((t) => t.rows);
          const checked = rows.reduce((s, r) => s + (r.convergence?.checked ?? 0), 0);
          const flagged = rows.reduce((s, r) => s + (r.convergence?.notConverged ?? 0), 0);
          const counts = store.getSweep(id)?.counts ?? {};
          sweeps.push({
            name: g.name,
            experiment: g.experiment,
            about: g.about,
            sweepId: id,
            jobs: Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', '),
            ...(checked > 0 ? { notConverged: { flagged, checked } } : {}),
            command,
          });
        }
        const claims = checkPaperClaims(shapesTables);
        const facadesClaims = facadesTables ? checkPaperClaims(facadesTables).filter((c) => c.table === 'methods') : undefined;
        const readme = reproductionReadme({ generatedBy: again, dbPath: config.tracking.db, claims, ...(facadesClaims ? { facadesClaims } : {}), sweeps, notes: existsSync(join(opts.out, 'NOTES.md')) });
        mkdirSync(opts.out, { recursive: true });
        writeFileSync(join(opts.out, 'README.md'), readme);
        console.log(`wrote ${join(opts.out, 'README.md')}: ${claims.map((c) => `${c.id} ${c.verdict}`).join(', ')}`);
      } finally {
        store.close();
      }
    });
}
