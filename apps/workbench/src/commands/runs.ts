// `workbench runs [overrides...]`: the runs in the tracking database, newest first, with their
// state (stale heartbeats are marked `crashed` first) and how to continue one.
//
//   npx workbench runs
//   npx workbench runs --status failed,crashed --method bicyclegan
//   npx workbench runs --sweep sweep-20261128-084040-c6560f6c --json
import type { Command } from 'commander';
import { composeConfig } from '@workbench/config';
import { formatDuration, formatTable } from '@workbench/text';
import { openStore, RUN_STATUSES, type RunRow, type RunStatus } from '@workbench/tracking';
import { intFlag } from '../int-flag.js';
import { UserError } from '../user-error.js';
import { withConfigErrors } from './config.js';
import { registerRunLifecycle } from './lifecycle.js';

interface RunsOptions {
  status?: string;
  method?: string;
  sweep?: string;
  text?: string;
  limit: number;
  json?: boolean;
  archived?: boolean;
  all?: boolean;
}

function parseStatuses(value: string | undefined): RunStatus[] | undefined {
  if (!value) return undefined;
  const statuses = value.split(',').map((s) => s.trim());
  for (const s of statuses) {
    if (!(RUN_STATUSES as readonly string[]).includes(s)) throw new UserError(`--status ${s}: use one or more of ${RUN_STATUSES.join(', ')} (comma-separated)`);
  }
  return statuses as RunStatus[];
}

/** One table row per run; the reason column shows why a run failed, crashed or was killed. */
export function formatRunsTable(runs: RunRow[]): string {
  const header = ['id', 'status', 'method', 'name', 'started', 'time', 'reason'];
  const rows = runs.map((r) => [
    r.id,
    r.status,
    r.method,
    r.name,
    new Date(r.startedAt).toISOString().slice(0, 16).replace('T', ' '),
    formatDuration(r.durationMs),
    r.status === 'finished' || r.status === 'running' ? '' : (r.exitReason ?? '').split('\n', 1).join('').slice(0, 60),
  ]);
  return formatTable(header, rows, { rule: true });
}

export function registerRuns(program: Command): void {
  const runsCommand = program
    .command('runs')
    .description('list the runs in the tracking database (newest first), with status and the reason a run stopped')
    .argument('[overrides...]', 'tracking.db=<file>')
    .option('--status <list>', `only these states, comma-separated (${RUN_STATUSES.join(', ')})`)
    .option('--method <name>', 'only this method')
    .option('--sweep <id>', 'only the runs of this sweep')
    .option('--text <s>', 'substring of id, name, method, tags or notes')
    .option('-n, --limit <n>', 'how many', intFlag('--limit', 1), 50)
    .option('--json', 'print the runs as JSON (with their resolved configs)')
    .option('--archived', 'only archived runs (hidden by default)')
    .option('--all', 'archived runs too')
    .addHelpText('after', '\nLifecycle: workbench runs archive|restore <ids...>, workbench runs delete <ids...> --yes [--files]')
    .action((overrides: string[], opts: RunsOptions) => {
      const { config } = withConfigErrors(() => composeConfig({ overrides }));
      const store = openStore(config.tracking.db, { mustExist: true });
      try {
        const { runs, total } = store.listRuns({
          status: parseStatuses(opts.status),
          method: opts.method,
          sweepId: opts.sweep,
          text: opts.text,
          archived: opts.all ? undefined : Boolean(opts.archived),
          sort: 'createdAt',
          order: 'desc',
          limit: opts.limit,
          includeConfig: Boolean(opts.json),
        });
        if (opts.json) {
          console.log(JSON.stringify({ total, runs }, null, 2));
          return;
        }
        if (total === 0) {
          console.log(`no runs in ${store.path} match: train one with 'workbench train' (see --help)`);
          return;
        }
        console.error(`database ${store.path}`); // stderr: stdout stays the table
        console.log(formatRunsTable(runs));
        if (total > runs.length) console.log(`(${total - runs.length} more: --limit ${total})`);
        if (runs.some((r) => r.status === 'crashed' || r.status === 'killed')) {
          console.log("continue a crashed or killed run from its last checkpoint: workbench train resume=<id>");
        }
      } finally {
        store.close();
      }
    });
  registerRunLifecycle(runsCommand);
}
