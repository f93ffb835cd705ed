// `--cfg job|hydra|all` and `--resolve`, as in Hydra: `job` is the run's config, `hydra` the
// workbench's runtime settings (project root, database, runs folder, config search path, group
// choices, overrides), `all` both. Without `--resolve` `${...}` interpolations are printed as
// written; with it, as the run will see them.
import { formatConfig, type ComposeResult } from '@workbench/config';
import { UserError } from '../user-error.js';
import { runtimeInfo } from '../project-paths.js';

export const CFG_PARTS = ['job', 'hydra', 'all'] as const;
export type CfgPart = (typeof CFG_PARTS)[number];

/**
 * Commander gives `--cfg [part]` the next word as its value. `--cfg model.nz=2` (the form before
 * parts existed) means "print the job config of these overrides": the word goes back to them.
 */
export function cfgPart(value: string | boolean | undefined, overrides: string[]): CfgPart | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 'job';
  if ((CFG_PARTS as readonly string[]).includes(value)) return value as CfgPart;
  if (value.includes('=') || value.startsWith('~') || value.startsWith('+')) {
    overrides.unshift(value);
    return 'job';
  }
  throw new UserError(`--cfg ${value}: use --cfg job, --cfg hydra or --cfg all`);
}

export function printConfig(result: ComposeResult, part: CfgPart, resolve: boolean): string {
  const job = resolve ? result.config : result.unresolved;
  if (part === 'job') return formatConfig(job).trimEnd();
  const hydra = formatConfig({ hydra: runtimeInfo(result) }).trimEnd();
  return part === 'hydra' ? hydra : `${formatConfig(job).trimEnd()}\n${hydra}`;
}
