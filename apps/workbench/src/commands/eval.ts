// `workbench eval <run-id|sweep-id> [overrides...]`: every metric that applies to the final
// checkpoint of a run (or of every run of a sweep), stored in the tracking database; a rerun
// replaces the results. Also writes runs/<id>/images/eval-step-NNNNNNN.png.
//
//   npx workbench eval 20261128-101500-ab12                       # one run, paper protocol
//   npx workbench eval sw-20261128-quick eval.n_inputs=20 eval.n_samples=10
//   npx workbench eval sw-... eval.lpips_version=0.1 eval.pairs=all
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { initBackend, BackendError } from '@workbench/backend';
import { composeConfig, ConfigError, type ComposeResult } from '@workbench/config';
import { DataError, type DataConfig, type Split } from '@workbench/data';
import {
  evaluateRun,
  loadLpips,
  LpipsWeightsError,
  LpipsWeightsMissingError,
  resolveLpipsDir,
  RunCheckpointError,
  type EvaluateRunResult,
  type Lpips,
  type MeanSe,
} from '@workbench/metrics';
import { CheckpointError } from '@workbench/models';
import { TorchIoError } from '@workbench/torch-io';
import { openStore, resolveRunsRoot, type RunRow, type TrackingStore } from '@workbench/tracking';
import { parseIntFlag } from '../int-flag.js';
import { cliId, UserError, withUserErrors } from '../user-error.js';
import { withConfigErrors } from './config.js';

function fmt(s: MeanSe | undefined, digits = 4): string {
  return s ? `${s.mean.toFixed(digits)} ± ${s.se.toFixed(digits)}` : '–';
}

/** One line per run: what a researcher scans first. */
export function summarizeEval(r: EvaluateRunResult): string {
  const rep = r.report;
  const parts = [`run ${r.runId} @ step ${r.step} on ${r.split}/:`];
  if (rep.diversity.lpips) parts.push(`LPIPS v${rep.lpipsVersion} diversity ${fmt(rep.diversity.lpips)} (real pairs ${fmt(rep.realPairs.lpips)})`);
  parts.push(`L1 diversity ${fmt(rep.diversity.l1)} (real pairs ${fmt(rep.realPairs.l1)})`);
  if (rep.reconstruction) parts.push(`reconstruction L1 ${fmt(rep.reconstruction)}`);
  if (rep.encodedModes && rep.modes) {
    parts.push(`encoded fills correct ${fmt(rep.encodedModes, 3)} (chance ${(1 / rep.modes.numModes).toFixed(3)}): how much of B's colours E's code carries`);
  }
  if (rep.modes) {
    parts.push(
      `mode coverage ${fmt(rep.modes.coverage, 3)} (ideal ${rep.modes.idealCoverage.toFixed(3)}), TV ${fmt(rep.modes.tv, 3)}, ` +
        `no-mode ${fmt(rep.modes.noModeFraction, 3)}, leak ${fmt(rep.modes.leak, 3)}`,
    );
  }
  if (rep.c2st) {
    const c = rep.c2st;
    parts.push(`realism proxy (C2ST): classifier accuracy ${c.accuracy.toFixed(3)} [${c.lo.toFixed(3)}, ${c.hi.toFixed(3)}] on ${c.nTest} held-out images (0.5 = indistinguishable)`);
  }
  return parts.join('\n  ');
}

function targetRuns(store: TrackingStore, id: string, dbPath: string): { runs: RunRow[]; sweep: boolean } {
  const run = store.getRun(cliId(id, 'run or sweep'));
  if (run) return { runs: [run], sweep: false };
  if (store.getSweep(id)) return { runs: store.listRuns({ sweepId: id, sort: 'createdAt', order: 'asc' }).runs, sweep: true };
  throw new UserError(`no run or sweep '${id}' in ${dbPath} (pass tracking.db=<file> if it lives elsewhere)`);
}

/** `data.*` keys that shape the networks: a checkpoint cannot be evaluated at other values. */
const NETWORK_DATA_KEYS = ['data.crop_size', 'data.input_nc', 'data.output_nc', 'data.dataset'];

/**
 * The `data.*` keys given on the command line, to replace the run's own (a dataset that moved:
 * `data.root=/new/place`). A preset (`data=facades`) would replace all of them: refused.
 */
export function dataOverrides(composed: ComposeResult, overrides: readonly string[]): Partial<DataConfig> {
  if (overrides.some((o) => /^[+~]*data=/.test(o)))
    throw new UserError('eval uses the data config the run was trained with: override single keys (data.root=<folder>, data.direction=...), not the preset (data=...)');
  const out: Record<string, unknown> = {};
  for (const [key, origin] of Object.entries(composed.sources.keys)) {
    if (!key.startsWith('data.') || !origin.startsWith('override')) continue;
    if (NETWORK_DATA_KEYS.includes(key)) throw new UserError(`${key} shapes the networks, so a checkpoint is evaluated at the value it was trained with: drop ${key} from the eval command`);
    out[key.slice('data.'.length)] = composed.config.data[key.slice('data.'.length) as keyof DataConfig];
  }
  return out as Partial<DataConfig>;
}

function isUserMistake(err: unknown): err is Error {
  return [RunCheckpointError, CheckpointError, TorchIoError, DataError, LpipsWeightsError, ConfigError, BackendError].some((c) => err instanceof c);
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('evaluate the final checkpoint of a run or of every run of a sweep (diversity, reconstruction, mode coverage) into the tracking DB')
    .argument('<id>', 'run id or sweep id')
    .argument('[overrides...]', 'eval.split=test|val|train eval.n_inputs=.. eval.n_samples=.. eval.pairs=consecutive|all eval.lpips_version=0.0|0.1 data.root=.. (and other data.* keys, for a moved dataset) tracking.db=.. backend=..')
    .option('--seed <n>', 'seed of the random z (the same z for every run)', '0')
    .option('--grid-rows <n>', 'inputs shown in the sample grid', '8')
    .option('--no-grid', 'do not write the sample grid')
    .option('--unfinished', 'in a sweep, also evaluate runs that are not finished (their newest checkpoint)')
    .option('--json', 'print the full reports as JSON')
    .action(async (id: string, overrides: string[], opts: { seed: string; gridRows: string; grid: boolean; json?: boolean; unfinished?: boolean }) => {
      const composed = withConfigErrors(() => composeConfig({ overrides }));
      const { config } = composed;
      const data = dataOverrides(composed, overrides);
      // eval.split left at its default: test/, else val/ (edges2shoes has no test/); given: that split only.
      const splits: Split[] = composed.sources.keys['eval.split'] ? [config.eval.split] : ['test', 'val'];
      const seed = parseIntFlag('--seed', opts.seed, 0);
      const gridRows = parseIntFlag('--grid-rows', opts.gridRows, 1);
      await withUserErrors([BackendError], () => initBackend({ force: config.backend }));

      const store = openStore(config.tracking.db, { mustExist: true });
      try {
        const { runs, sweep } = targetRuns(store, id, config.tracking.db);
        if (runs.length === 0) throw new UserError(`sweep '${id}' has no runs yet`);
        let lpips: Lpips | undefined;
        let lpipsSkipped: string | undefined;
        try {
          lpips = loadLpips(config.eval.lpips_version, resolveLpipsDir(config.eval.lpips_dir));
        } catch (err) {
          if (!(err instanceof LpipsWeightsMissingError)) throw err;
          lpipsSkipped = `LPIPS skipped: ${err.message}`;
          console.warn(lpipsSkipped); // never a silent fallback: diversity_l1 is still computed, under its own name
        }

        const bar = new cliProgress.SingleBar(
          { format: '{run} {phase} [{bar}] {value}/{total} · eta {eta_formatted}', hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        );
        const results: EvaluateRunResult[] = [];
        const failures: string[] = [];
        for (const run of runs) {
          // "Final checkpoint": in a sweep, only runs that finished; a named run is evaluated anyway.
          if (run.status !== 'finished') {
            if (sweep && !opts.unfinished) {
              failures.push(`${run.id}: ${run.status}`);
              console.warn(`skipped ${run.id}: status ${run.status}, not finished (--unfinished evaluates its newest checkpoint)`);
              continue;
            }
            console.warn(`note: run ${run.id} is ${run.status}; evaluating its newest checkpoint, which may not be its final one`);
          }
          let started = false;
          try {
            const r = await evaluateRun(store, run, {
              nInputs: config.eval.n_inputs,
              nSamples: config.eval.n_samples,
              pairs: config.eval.pairs,
              runsDir: resolveRunsRoot(config.train.runs_dir),
              lpips,
              lpipsSkipped,
              seed,
              grid: opts.grid,
              gridRows,
              splits,
              data,
              onProgress: (done, total, phase) => {
                if (!started) {
                  bar.start(total, 0, { run: run.id, phase });
                  started = true;
                }
                bar.update(done, { run: run.id, phase });
              },
            });
            if (started) bar.stop();
            for (const p of r.passedSplits)
              console.warn(`note: ${p.error.message.replace(/: an aligned dataset needs .*$/, '')}; evaluated ${r.runId} on ${r.split}/ (as the official scripts do for edges2shoes; eval.split=<split> picks one)`);
            results.push(r);
            if (!opts.json) console.log(summarizeEval(r));
          } catch (err) {
            if (started) bar.stop();
            // In a sweep, one untrained or broken run must not stop the others.
            if (!isUserMistake(err)) throw err;
            if (!sweep) throw new UserError(err.message);
            failures.push(`${run.id}: ${err.message}`);
            console.warn(`skipped ${run.id}: ${err.message}`);
          }
        }
        lpips?.dispose();
        if (opts.json) console.log(JSON.stringify(results.map((r) => ({ runId: r.runId, step: r.step, split: r.split, gridPath: r.gridPath, rows: r.rows })), null, 2));
        const stored = results.reduce((a, r) => a + r.rows.length, 0);
        console.log(
          `stored ${stored} results for ${results.length} run(s) in ${store.path}` +
            (lpips ? '' : ' (LPIPS skipped, see above)') +
            (failures.length ? `; ${failures.length} run(s) skipped` : ''),
        );
        if (sweep) console.log(`tables: workbench table ${id} --format md`);
        if (failures.length > 0 && results.length === 0) process.exitCode = 1;
      } finally {
        store.close();
      }
    });
}
