// The launcher named by `launcher.type`. Slurm is issue 8: its options are already in the schema.
import type { ResolvedConfig } from '@workbench/config';
import { defaultWorkers } from './default-workers.js';
import type { Launcher } from './launcher.js';
import { LocalLauncher } from './local-launcher.js';
import { SweepError } from './sweep-error.js';

export function createLauncher(launcher: ResolvedConfig['launcher'], opts: { workers?: number } = {}): Launcher {
  switch (launcher.type) {
    case 'local':
      return new LocalLauncher({ workers: opts.workers ?? (launcher.jobs > 0 ? launcher.jobs : defaultWorkers()) });
    case 'slurm':
      throw new SweepError('launcher=slurm is not available yet (planned: one sbatch job array per sweep); use launcher=local');
  }
}
