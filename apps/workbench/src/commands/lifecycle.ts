// Run lifecycle from the CLI (the dashboard's archive/restore/delete, same store calls):
//
//   npx workbench runs archive <run-id>...        # hidden from `workbench runs` and the dashboard, nothing lost
//   npx workbench runs restore <run-id>...
//   npx workbench runs delete <run-id>... --yes [--files]   # rows (+ run folders with --files)
//   npx workbench sweep archive|restore <sweep-id>          # the sweep and its runs
//   npx workbench sweep delete <sweep-id> --yes [--runs [--files]]
//
// Deleting asks for --yes (without it, it lists what would go and changes nothing) and refuses a
// run that is still running. A deleted sweep run's job goes back to pending, so `sweep resume`
// trains it again.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { composeConfig } from '@workbench/config';
import { openStore, resolveRunsRoot, runFolder, type RunRow, type TrackingStore } from '@workbench/tracking';
import { deleteRunsAndFolders } from '../server/routes/lifecycle-routes.js';
import { UserError } from '../user-error.js';
import { withConfigErrors } from './config.js';

/** Split `ids... key=value...` and open the database the overrides (or --db) name. */
function openFor(args: string[]): { store: TrackingStore; ids: string[]; runsRoot: string } {
  const overrides = args.filter((a) => a.includes('='));
  const ids = [...new Set(args.filter((a) => !a.includes('=')))];
  const { config } = withConfigErrors(() => composeConfig({ overrides }));
  const db = resolve(config.tracking.db);
  return { store: openStore(db, { mustExist: true }), ids, runsRoot: resolveRunsRoot(config.train.runs_dir) };
}

function runsOrFail(store: TrackingStore, ids: string[]): RunRow[] {
  const { runs } = store.listRuns({ ids, includeConfig: false });
  const found = new Set(runs.map((r) => r.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new UserError(`no run ${missing.join(', ')} in ${store.path}: nothing was changed (see: workbench runs --all)`);
  return runs;
}

function refuseRunning(runs: RunRow[]): void {
  const live = runs.filter((r) => r.status === 'running');
  if (live.length) throw new UserError(`run ${live.map((r) => r.id).join(', ')} is still running: stop it first (nothing was changed)`);
}

/** Without --yes: say what would be deleted and change nothing (exit code 1). */
function confirm(yes: boolean | undefined, what: string[]): boolean {
  if (yes) return true;
  console.log(`would delete:\n${what.map((w) => `  ${w}`).join('\n')}\nnothing was changed: add --yes to delete`);
  process.exitCode = 1;
  return false;
}

export function registerRunLifecycle(runs: Command): void {
  for (const [verb, doc] of [
    ['archive', 'hide runs from `workbench runs` and the dashboard (nothing is deleted; `restore` undoes it)'],
    ['restore', 'bring archived runs back'],
  ] as const) {
    runs
      .command(verb)
      .description(doc)
      .argument('<run-ids...>', 'run ids (and tracking.db=<file> if not the project database)')
      .action((args: string[]) => {
        const { store, ids } = openFor(args);
        try {
          const found = runsOrFail(store, ids).map((r) => r.id);
          const changed = verb === 'archive' ? store.archiveRuns(found) : store.restoreRuns(found);
          console.log(`${verb}d ${changed} of ${found.length} runs${changed < found.length ? ` (${found.length - changed} already ${verb === 'archive' ? 'archived' : 'live'})` : ''}`);
        } finally {
          store.close();
        }
      });
  }

  runs
    .command('delete')
    .description('delete runs and everything they logged (metrics, images, evals, answers); --files also removes their run folders')
    .argument('<run-ids...>', 'run ids (and tracking.db=<file> if not the project database)')
    .option('-y, --yes', 'really delete (without it: list what would be deleted)')
    .option('--files', 'also remove the run folders (checkpoints, image grids)')
    .action((args: string[], opts: { yes?: boolean; files?: boolean }) => {
      const { store, ids, runsRoot } = openFor(args);
      try {
        const found = runsOrFail(store, ids);
        refuseRunning(found);
        if (!confirm(opts.yes, found.map((r) => `run ${r.id} (${r.name}, ${r.status})${opts.files ? ` and ${runFolder(runsRoot, r.id)}` : ''}`))) return;
        const { deleted, folders: removed } = deleteRunsAndFolders({ store, runsRoot }, found, Boolean(opts.files));
        console.log(`deleted ${deleted} runs${opts.files ? ` and ${removed} run folders` : ' (run folders kept: --files removes them)'}`);
      } finally {
        store.close();
      }
    });
}

export function registerSweepLifecycle(sweep: Command): void {
  for (const [verb, doc] of [
    ['archive', 'hide a sweep and its runs from the listings (nothing is deleted; `restore` undoes it)'],
    ['restore', 'bring an archived sweep and its runs back'],
  ] as const) {
    sweep
      .command(verb)
      .description(doc)
      .argument('<sweep-id>')
      .argument('[overrides...]', 'only tracking.db=... is read')
      .action((sweepId: string, overrides: string[]) => {
        const { store } = openFor(overrides);
        try {
          const ok = verb === 'archive' ? store.archiveSweep(sweepId) : store.restoreSweep(sweepId);
          if (!ok) throw new UserError(`unknown sweep '${sweepId}' in ${store.path} (see: workbench sweep list --all)`);
          console.log(`${verb}d sweep ${sweepId} and its ${store.listRuns({ sweepId, includeConfig: false }).total} runs`);
        } finally {
          store.close();
        }
      });
  }

  sweep
    .command('delete')
    .description('delete a sweep and its jobs; --runs also deletes its runs (else they stay, without a sweep), --files their folders')
    .argument('<sweep-id>')
    .argument('[overrides...]', 'only tracking.db=... is read')
    .option('-y, --yes', 'really delete (without it: list what would be deleted)')
    .option('--runs', "also delete the sweep's runs")
    .option('--files', 'with --runs: also remove their run folders')
    .action((sweepId: string, overrides: string[], opts: { yes?: boolean; runs?: boolean; files?: boolean }) => {
      if (opts.files && !opts.runs) throw new UserError('--files needs --runs: run folders are removed only with their runs');
      const { store, runsRoot } = openFor(overrides);
      try {
        const s = store.getSweep(sweepId);
        if (!s) throw new UserError(`unknown sweep '${sweepId}' in ${store.path} (see: workbench sweep list --all)`);
        const runs = opts.runs ? store.listRuns({ sweepId, includeConfig: false }).runs : [];
        refuseRunning(runs);
        if (!confirm(opts.yes, [`sweep ${sweepId} (${s.jobs.length} jobs)`, ...runs.map((r) => `run ${r.id} (${r.status})${opts.files ? ` and ${runFolder(runsRoot, r.id)}` : ''}`)])) return;
        const { deleted, folders: removed } = deleteRunsAndFolders({ store, runsRoot }, runs, Boolean(opts.files));
        store.deleteSweep(sweepId);
        console.log(`deleted sweep ${sweepId}${opts.runs ? `, ${deleted} runs${opts.files ? `, ${removed} run folders` : ''}` : ' (its runs stay: --runs deletes them)'}`);
      } finally {
        store.close();
      }
    });
}
