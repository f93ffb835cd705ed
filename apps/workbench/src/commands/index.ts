// Every `workbench` subcommand, in the order `workbench --help` lists them. A command's module
// is imported only when that command runs: the training, evaluation and dashboard modules pull in
// tfjs and the server (about 1.5 s of start-up), which `workbench runs` or `where` do not need.
import type { Command } from 'commander';

type Register = (program: Command) => void;

export interface CommandEntry {
  /** The top-level word, as the module registers it (`test/lazy-commands.spec.ts` checks they agree). */
  readonly name: string;
  readonly load: () => Promise<Register>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'start', load: async () => (await import('./start.js')).registerStart },
  { name: 'backend', load: async () => (await import('./backend.js')).registerBackend },
  { name: 'config', load: async () => (await import('./config.js')).registerConfig },
  { name: 'train', load: async () => (await import('./train.js')).registerTrain },
  { name: 'runs', load: async () => (await import('./runs.js')).registerRuns },
  { name: 'data', load: async () => (await import('./data.js')).registerData },
  { name: 'serve', load: async () => (await import('./serve.js')).registerServe },
  { name: 'inspect', load: async () => (await import('./inspect.js')).registerInspect },
  { name: 'import-official', load: async () => (await import('./import-official.js')).registerImportOfficial },
  { name: 'sweep', load: async () => (await import('./sweep.js')).registerSweep },
  { name: 'eval', load: async () => (await import('./eval.js')).registerEval },
  { name: 'table', load: async () => (await import('./table.js')).registerTable },
  { name: 'report', load: async () => (await import('./report.js')).registerReport },
  { name: 'reproduce', load: async () => (await import('./reproduce.js')).registerReproduce },
  { name: 'lpips', load: async () => (await import('./lpips.js')).registerLpips },
  { name: 'sync', load: async () => (await import('./sync.js')).registerSync },
  { name: 'where', load: async () => (await import('./where.js')).registerWhere },
  { name: 'completion', load: async () => (await import('./completion.js')).registerCompletion },
];

/** The flags of `program`'s own options that take a value (`--db <file>`): their value is not a command. */
function valueFlags(program: Command): Set<string> {
  return new Set(program.options.filter((o) => o.required || o.optional).flatMap((o) => [o.long, o.short].filter((f) => f !== undefined)));
}

/**
 * The command word of `workbench [global options] <command> ...`, or undefined (`--help`, none).
 * `valueOptions`: the global flags that take a value, so their value is skipped.
 */
export function commandWord(args: readonly string[], valueOptions: ReadonlySet<string>): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (valueOptions.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
    else if (!arg.includes('=')) return undefined; // --help, --version, or an unknown option
  }
  return undefined;
}

/**
 * Registers the command that `args` (argv without node and the script) names, or every command
 * when it names none, an unknown one (commander's "did you mean" needs them all) or `completion`
 * (whose script lists them all).
 */
export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  const word = commandWord(args, valueFlags(program));
  const only = COMMANDS.find((c) => c.name === word);
  const entries = only && only.name !== 'completion' ? [only] : COMMANDS;
  const registers = await Promise.all(entries.map((e) => e.load()));
  for (const register of registers) register(program);
}
