// `workbench backend`: which TensorFlow.js backend runs here, and why the better ones do not.
import type { Command } from 'commander';
import { describeBackend, initBackend, parseBackendChoice, BackendError } from '@workbench/backend';
import { UserError } from '../user-error.js';

export function registerBackend(program: Command): void {
  program
    .command('backend')
    .description('print the selected TensorFlow.js backend and why the better ones were not used')
    .argument('[overrides...]', 'backend=<auto|node-gpu|node|wasm|cpu> forces one')
    .option('--json', 'print as JSON')
    .action(async (overrides: string[], opts: { json?: boolean }) => {
      const forced = overrides.find((o) => o.startsWith('backend='))?.slice('backend='.length);
      try {
        const info = await initBackend({ force: forced === undefined ? undefined : parseBackendChoice(forced) });
        console.log(opts.json ? JSON.stringify(info, null, 2) : describeBackend(info));
      } catch (err) {
        if (err instanceof BackendError) throw new UserError(err.message);
        throw err;
      }
    });
}
