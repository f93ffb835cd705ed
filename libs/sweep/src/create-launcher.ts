// The launcher named by `launcher.type`: local child processes, or one Slurm job array.
import type { ResolvedConfig } from '@workbench/config';
import { defaultWorkers } from './default-workers.js';
import type { Launcher } from './launcher.js';
import { LocalLauncher } from './local-launcher.js';
import { SlurmLauncher } from './slurm-launcher.js';

export function createLauncher(launcher: ResolvedConfig['launcher'], opts: { workers?: number } = {}): Launcher {
  switch (launcher.type) {
    case 'local':
      return new LocalLauncher({ workers: opts.workers ?? (launcher.jobs > 0 ? launcher.jobs : defaultWorkers()) });
    case 'slurm':
      return new SlurmLauncher(launcher); // one sbatch job array per sweep (slurm-launcher.ts)
  }
}
