// The `workbench` CLI: one entry point, one module per command under ./commands.
import { Command, CommanderError } from 'commander';
import { workbenchPackage } from '@workbench/config';
import { TrackingFileError } from '@workbench/tracking';
import { registerCommands } from './commands/index.js';
import { UserError } from './user-error.js';

const { version } = workbenchPackage();

const program = new Command('workbench')
  .description('BicycleGAN research workbench: train, sweep, evaluate and compare multimodal image-to-image models.')
  .version(version, '-V, --version', 'print the workbench version')
  .showHelpAfterError('(run with --help for usage)')
  // Set as env vars so that sweep jobs (child processes, Slurm jobs) inherit them.
  .option('--db <file>', 'the tracking database (the same as WORKBENCH_DB=<file> or tracking.db=<file>)')
  .option('--config-dir <dir>', 'a folder of your own experiments and group options, searched before the built-in experiments/ (WORKBENCH_CONFIG_DIR)')
  .hook('preAction', (cmd) => {
    const opts = cmd.opts<{ db?: string; configDir?: string }>();
    if (opts.db) process.env.WORKBENCH_DB = opts.db;
    if (opts.configDir) process.env.WORKBENCH_CONFIG_DIR = opts.configDir;
  });

try {
  await registerCommands(program, process.argv.slice(2));
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (err instanceof UserError) {
    // A user mistake: one clear line, no stack trace.
    console.error(`workbench: ${err.message}`);
    process.exit(err.exitCode);
  }
  if (err instanceof TrackingFileError) {
    // The database file cannot be used (read-only, damaged, disk full): any command may meet it.
    console.error(`workbench: ${err.message}`);
    process.exit(2);
  }
  // A bug, not a user mistake: print the stack ourselves. Rethrowing would pass through the wasm
  // backend's Emscripten handlers, which print a line of minified tfjs source first.
  console.error(`workbench: internal error (please report it with the command line): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
}
