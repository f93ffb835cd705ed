// The config search path, like Hydra's: a list of experiments folders searched in order (the
// first one holding a file wins). By default it is the user's folder first, then the
// workbench's own `experiments/` (always there), so `workbench train data=shapes` works from any
// folder and a user folder adds (or replaces) experiments and group options:
//   user folder = `configDir` (CLI --config-dir, env WORKBENCH_CONFIG_DIR), else
//                 `<project root>/experiments` when it exists (see project-root.ts).
import { existsSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { findConfigFile, listExperiments, listGroups, listOptions, referencedGroups } from './config-files.js';
import { findProjectRoot } from './project-root.js';
import { didYouMean } from './suggest.js';
import { WORKBENCH_ROOT } from './workbench-root.js';

/** The workbench's own experiments folder (beside the libraries, in the checkout or the package). */
export const BUILTIN_EXPERIMENTS_DIR = join(WORKBENCH_ROOT, 'experiments');

export interface SearchPathEntry {
  dir: string;
  /** `builtin`, `user` (project or --config-dir) or `explicit` (the one folder a caller passed). */
  provider: 'builtin' | 'user' | 'explicit';
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

export class ConfigSearchPath {
  readonly entries: SearchPathEntry[];

  constructor(entries: SearchPathEntry[], private readonly cwd: string) {
    const seen = new Set<string>();
    this.entries = entries.filter((e) => isDir(e.dir) && !seen.has(resolve(e.dir)) && seen.add(resolve(e.dir)));
  }

  get dirs(): string[] {
    return this.entries.map((e) => e.dir);
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** The first file `name` (a path relative to an experiments folder) on the path. */
  find(name: string): string | undefined {
    for (const d of this.dirs) {
      const f = findConfigFile(d, name);
      if (f) return f;
    }
    return undefined;
  }

  /** Config groups: sub-folders of any folder on the path. */
  groups(): string[] {
    return [...new Set(this.dirs.flatMap((d) => listGroups(d)))].sort();
  }

  options(group: string): string[] {
    return [...new Set(this.dirs.flatMap((d) => listOptions(join(d, group))))].sort();
  }

  /** Experiment names; a group selected by a defaults list in any folder is not an experiment folder. */
  experiments(): string[] {
    const groups = new Set(this.dirs.flatMap((d) => [...referencedGroups(d)]));
    return [...new Set(this.dirs.flatMap((d) => listExperiments(d, groups)))].sort();
  }

  optionError(group: string, option: string): ConfigError {
    const options = this.options(group);
    return new ConfigError(`unknown option '${option}' for config group ${group} (available: ${options.join(', ') || 'none'})${didYouMean(option, options)}`);
  }

  /** How messages name a file: `experiments/<rel>` inside the builtin or explicit folder,
   *  else relative to the working directory (absolute when outside it). */
  shown(path: string): string {
    for (const e of this.entries) {
      const rel = relative(e.dir, path);
      if (rel.startsWith('..')) continue;
      if (e.provider !== 'user') return join('experiments', rel);
      const fromCwd = relative(this.cwd, path);
      return fromCwd.startsWith('..') ? path : fromCwd;
    }
    return path;
  }

  /** One line per folder, for `workbench where` and `--cfg hydra`. */
  describe(): string[] {
    return this.entries.map((e) => `${e.provider}: ${e.dir}`);
  }
}

export interface SearchPathOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** A user folder (CLI --config-dir). Default: env WORKBENCH_CONFIG_DIR, else <project root>/experiments. */
  configDir?: string;
  /** Exactly this folder and nothing else (tests, tools). */
  experimentsDir?: string;
}

export function configSearchPath(opts: SearchPathOptions): ConfigSearchPath {
  if (opts.experimentsDir) return new ConfigSearchPath([{ dir: resolve(opts.cwd, opts.experimentsDir), provider: 'explicit' }], opts.cwd);
  const given = opts.configDir ?? opts.env.WORKBENCH_CONFIG_DIR;
  if (given !== undefined && given !== '' && !isDir(resolve(opts.cwd, given))) {
    throw new ConfigError(`config folder ${resolve(opts.cwd, given)} (--config-dir / WORKBENCH_CONFIG_DIR) does not exist: create it or point at an existing folder`);
  }
  const user = given ? resolve(opts.cwd, given) : join(findProjectRoot(opts.cwd, opts.env).dir, 'experiments');
  // In the checkout the project's folder is the builtin one: list it once, as builtin.
  const entries: SearchPathEntry[] = resolve(user) === resolve(BUILTIN_EXPERIMENTS_DIR) ? [] : [{ dir: user, provider: 'user' }];
  return new ConfigSearchPath([...entries, { dir: BUILTIN_EXPERIMENTS_DIR, provider: 'builtin' }], opts.cwd);
}
