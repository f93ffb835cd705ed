// `workbench sync <spool>...`: upload the tracking records remote runs could not deliver (their
// server was unreachable) to a workbench server. Safe to repeat: records the server already has
// are skipped by their idempotency keys.
//
//   WORKBENCH_TOKEN=<token> npx workbench sync runs/<run-id>/tracking-spool.jsonl tracking.uri=http://login1:7860
//   WORKBENCH_TOKEN=<token> npx workbench sync runs/*/tracking-spool.jsonl tracking.uri=http://login1:7860   # every leftover spool
import type { Command } from 'commander';
import { ConfigError, composeConfig } from '@workbench/config';
import { RemoteTrackingError, syncSpool } from '@workbench/remote-tracking';
import { UserError, withUserErrors } from '../user-error.js';

/** `key=value` / `+key=value` are overrides; everything else is a spool path. */
const isOverride = (arg: string): boolean => /^\+{0,2}[A-Za-z_][\w.]*=/.test(arg);

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('upload remote-tracking spool files (records runs could not send) to a workbench server; repeatable, no duplicates')
    .argument('<spools-and-overrides...>', 'spool files (runs/<run-id>/tracking-spool.jsonl, globs welcome) and tracking.uri=http://<server>:<port> [serve.token=<token>, or WORKBENCH_TOKEN]')
    .option('--unacknowledged', 'send only the part the server has not acknowledged (default: the whole file; duplicates are skipped)')
    .action(async (args: string[], opts: { unacknowledged?: boolean }) => {
      const overrides = args.filter(isOverride);
      const spools = args.filter((a) => !isOverride(a));
      if (spools.length === 0) throw new UserError('no spool file given: workbench sync runs/<run-id>/tracking-spool.jsonl tracking.uri=http://<server>:<port>');
      const { config } = withUserErrors([ConfigError], () => composeConfig({ overrides }));
      const uri = config.tracking.uri;
      const token = config.serve.token;
      if (!uri) throw new UserError('no server to sync to: give tracking.uri=http://<server>:<port> (the workbench serve that owns the database)');
      if (!token) throw new UserError("no token: set WORKBENCH_TOKEN (or serve.token=...) to the server's serve.token");
      for (const spool of spools) {
        try {
          const r = await syncSpool(spool, uri, token, {
            onlyUnacknowledged: opts.unacknowledged,
            onRetry: (err, attempt, delayMs) => console.error(`  ${err.message}; retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s`),
          });
          console.log(`synced ${r.spoolPath} to ${uri}: ${r.records} records, ${r.applied} applied, ${r.duplicates} already on the server, ${r.rejected} refused${r.corrupt ? `, ${r.corrupt} unreadable lines skipped` : ''}`);
          if (r.rejected > 0) {
            console.log(`refused records (with the reason) are in ${spool}.rejected; first: ${r.firstRejection}`);
            process.exitCode = 1;
          }
        } catch (err) {
          if (err instanceof RemoteTrackingError) throw new UserError(`${spool}: ${err.message}; nothing was lost: run the same sync again later`);
          throw err;
        }
      }
    });
}
