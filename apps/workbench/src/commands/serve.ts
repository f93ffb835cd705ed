// `workbench serve`: the comparison dashboard (JSON API + browser UI) over the tracking database.
//
//   npx workbench serve                                  # http://127.0.0.1:7860
//   npx workbench serve serve.port=8080 tracking.db=/data/workbench.db   # or --port 8080 --host ...
//   WORKBENCH_TOKEN=$(openssl rand -hex 16) npx workbench serve serve.host=0.0.0.0
import type { Command } from 'commander';
import { ConfigError, composeConfig } from '@workbench/config';
import { resolveRunsRoot, TrackingInputError, TrackingSchemaError } from '@workbench/tracking';
import { ServeConfigError, startServer, type RunningServer } from '../server/index.js';
import { parseIntFlag } from '../int-flag.js';
import { UserError, withUserErrors } from '../user-error.js';

export interface ServeSettings {
  host: string;
  port: number;
  token: string;
  db: string;
  /** The folder of run folders: `train.runs_dir` through `resolveRunsRoot`, as every command. */
  runsRoot: string;
  /** The project folder: a run's relative `data.root` (typed there) is tried against it. */
  projectDir: string;
}

/** serve.* and tracking.db from overrides, environment (WORKBENCH_TOKEN, WORKBENCH_DB) and defaults. */
export function serveSettings(overrides: readonly string[]): ServeSettings {
  const { config, paths } = withUserErrors([ConfigError], () => composeConfig({ overrides }));
  return { host: config.serve.host, port: config.serve.port, token: config.serve.token, db: config.tracking.db, runsRoot: resolveRunsRoot(config.train.runs_dir), projectDir: paths.projectRoot.dir };
}

/** Start the dashboard and print where it is; used by `serve` and `start`. */
export async function serveDashboard(settings: ServeSettings): Promise<RunningServer> {
  let running: RunningServer;
  try {
    running = await startServer({ host: settings.host, port: settings.port, token: settings.token, dbPath: settings.db, runsRoot: settings.runsRoot, projectDir: settings.projectDir });
  } catch (err) {
    if (err instanceof ServeConfigError || err instanceof TrackingInputError || err instanceof TrackingSchemaError) throw new UserError(err.message);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${settings.port} on ${settings.host} is already in use: pick another with serve.port=<n> (0 = any free port)`);
    if (code === 'EADDRNOTAVAIL') throw new UserError(`cannot bind ${settings.host}: not an address of this machine (serve.host)`);
    throw err;
  }
  console.log(`workbench dashboard: ${running.openUrl}`);
  console.log(`  database ${running.store.path} · run folders ${settings.runsRoot}/<run id>${settings.token ? ' · token required (Authorization: Bearer, or open the URL above once)' : ' · loopback only'}`);
  const stop = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return running;
}

/** `--port`/`--host` as the overrides they stand for; refuses the same key given both ways with
 *  different values (which one was meant is not ours to guess). */
export function serveOverrides(overrides: readonly string[], opts: { port?: string; host?: string }): string[] {
  const out = [...overrides];
  for (const [flag, key, value] of [['--port', 'serve.port', opts.port], ['--host', 'serve.host', opts.host]] as const) {
    if (value === undefined) continue;
    if (key === 'serve.port') parseIntFlag(flag, value, 0);
    const clash = overrides.find((o) => o.startsWith(`${key}=`) && o !== `${key}=${value}`);
    if (clash) throw new UserError(`${flag} ${value} and ${clash} disagree: give the ${key.split('.')[1]} once`);
    out.push(`${key}=${value}`);
  }
  return out;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the comparison dashboard (runs, curves, image grids, sweeps, tables, latent explorer, realism study)')
    .argument('[overrides...]', 'serve.host=127.0.0.1 serve.port=7860 serve.token=<secret> tracking.db=workbench.db train.runs_dir=runs (in the project folder)')
    .option('--port <n>', 'port to listen on (= serve.port; 0 = any free port)')
    .option('--host <address>', 'address to bind (= serve.host; non-loopback needs serve.token)')
    .action(async (overrides: string[], opts: { port?: string; host?: string }) => {
      await serveDashboard(serveSettings(serveOverrides(overrides, opts)));
    });
}
