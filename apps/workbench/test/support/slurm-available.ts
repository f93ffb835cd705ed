// Can this machine start the single-node Slurm of tools/slurm/local-cluster.sh? The Slurm tests
// skip (saying why) only where the binaries are missing or we are not root; CI (.ci/run)
// installs slurm-wlm and munge and runs as root.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './serve-process.js';

export const localCluster = join(repoRoot, 'tools/slurm/local-cluster.sh');

/** Is `bin` a command on PATH? */
export function onPath(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const missing = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'scontrol'].filter((b) => !onPath(b));

/** Why a test that starts the local cluster cannot run here, or null when it can. */
export const slurmSkipReason: string | null =
  missing.length > 0
    ? `Slurm is not installed (missing ${missing.join(', ')}; apt-get install slurm-wlm munge, as .ci/run does)`
    : process.getuid?.() !== 0
      ? 'starting munged/slurmctld/slurmd needs root'
      : null;
