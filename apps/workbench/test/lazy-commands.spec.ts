// The CLI loads only the module of the command that runs: `workbench runs`, `where`, `config`,
// `train --cfg` and the multirun parent never import tfjs (about 1.5 s of start-up each time),
// while the help and the completion script still list every command.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '@workbench/tracking';
import { COMMANDS, commandWord, registerCommands } from '../src/commands/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HOOK = fileURLToPath(new URL('./support/log-imports.mjs', import.meta.url));
const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'workbench-lazy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
openStore(join(tmp, 'workbench.db')).close(); // an empty project database for `runs`

let calls = 0;
/** The module URLs `workbench <args>` resolved, and its stdout. */
async function importsOf(...args: string[]): Promise<{ urls: string[]; stdout: string }> {
  const log = join(tmp, `imports-${calls++}.log`);
  const env = { ...process.env, IMPORT_LOG: log, WORKBENCH_DB: join(tmp, 'workbench.db') };
  const { stdout } = await run(process.execPath, ['--import', HOOK, join(ROOT, 'bin/workbench.js'), ...args], { cwd: tmp, env });
  return { urls: readFileSync(log, 'utf8').split('\n').filter(Boolean), stdout };
}
const tfjs = (urls: string[]) => urls.filter((u) => u.includes('/@tensorflow/'));

describe('command modules load on demand', () => {
  it('each manifest entry registers the command it is named for, in the listed order', async () => {
    const program = new Command('workbench');
    await registerCommands(program, []);
    expect(program.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
  });

  it('finds the command word after the global options', () => {
    const valueOptions = new Set(['--db', '--config-dir']);
    expect(commandWord(['--db', 'x.db', 'runs', 'delete'], valueOptions)).toBe('runs');
    expect(commandWord(['--db=x.db', '--config-dir', 'mine', 'train', '--cfg'], valueOptions)).toBe('train');
    expect(commandWord(['--help'], valueOptions)).toBeUndefined();
    expect(commandWord([], valueOptions)).toBeUndefined();
  });

  it('reads which global options take a value from the program itself', async () => {
    const program = new Command('workbench').option('--db <file>').option('-c, --config-dir <dir>').option('--verbose');
    await registerCommands(program, ['--db', 'where', 'runs']);
    expect(program.commands.map((c) => c.name())).toEqual(['runs']);
    const short = new Command('workbench').option('-c, --config-dir <dir>');
    await registerCommands(short, ['-c', 'where', 'table']);
    expect(short.commands.map((c) => c.name())).toEqual(['table']);
  });

  it('registers only the named command, and every command for the help, an unknown word or completion', async () => {
    const names = async (args: string[]) => {
      const program = new Command('workbench');
      await registerCommands(program, args);
      return program.commands.map((c) => c.name());
    };
    expect(await names(['where', '--json'])).toEqual(['where']);
    expect(await names(['--help'])).toHaveLength(COMMANDS.length);
    expect(await names(['trian'])).toHaveLength(COMMANDS.length);
    expect(await names(['completion', 'bash'])).toHaveLength(COMMANDS.length);
  });

  it('light commands do not import tfjs; a command that needs it does', async () => {
    const where = await importsOf('where', '--json');
    expect(JSON.parse(where.stdout)).toHaveProperty('database', join(tmp, 'workbench.db'));
    expect(where.urls.length).toBeGreaterThan(10); // the hook saw the CLI's own modules
    expect(tfjs(where.urls)).toEqual([]);
    expect(tfjs((await importsOf('runs')).urls)).toEqual([]);
    const cfg = await importsOf('train', '--cfg', 'job', 'model.nz=2');
    expect(cfg.stdout).toMatch(/nz: 2/);
    expect(tfjs(cfg.urls)).toEqual([]);

    const backend = await importsOf('backend');
    expect(tfjs(backend.urls).length).toBeGreaterThan(0);
  });

  it('the full help still lists every command', async () => {
    const { stdout } = await run(process.execPath, [join(ROOT, 'bin/workbench.js'), '--help'], { cwd: tmp });
    for (const { name } of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });
});
