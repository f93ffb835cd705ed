// The sweep scenario of run-sweep-train.spec.ts, shared with the soak tool (tools/soak): a tiny
// real sweep through the real `workbench train` (32 px, width 4, 4 iterations). Job 0 trains on
// shapes; job 1 fails on a data.root that does not exist yet; after the folder appears,
// `resumeSweep` reruns only the failed job.
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type TrackingStore } from '@workbench/tracking';
import { LocalLauncher } from '../src/local-launcher.js';
import { planSweep, type SweepPlan } from '../src/plan-sweep.js';
import { resumeSweep, runSweep, type SweepResult } from '../src/run-sweep.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

export interface TrainSweepScenario {
  store: TrackingStore;
  plan: SweepPlan;
  /** The aligned folder job 1 needs (created between the two calls). */
  root: string;
  first: SweepResult;
  second: SweepResult;
  /** The runner's progress lines. */
  lines: string[];
}

/** Run the scenario in `dir` (an empty folder); the caller closes `store`. */
export async function runTrainSweepScenario(dir: string): Promise<TrainSweepScenario> {
  const db = join(dir, 'wb.db');
  const root = join(dir, 'facades');
  const tiny = ['model.ngf=4', 'model.ndf=4', 'model.nef=4', 'model.nz=2', 'train.iters=4', 'train.log_every=2', 'train.display_every=4', 'train.checkpoint_every=4'];
  const common = [...tiny, `tracking.db=${db}`, `train.runs_dir=${join(dir, 'runs')}`];
  const plan = planSweep(['data=shapes,facades', `data.root=${root}`, 'data.load_size=32', 'data.crop_size=32', ...common], { cwd: REPO, env: {} });
  const store = openStore(db);
  const lines: string[] = [];
  const opts = { store, launcher: new LocalLauncher({ workers: 2 }), cwd: REPO, log: (l: string) => lines.push(l) };
  const first = await runSweep(plan, opts);
  mkdirSync(root);
  cpSync(join(REPO, 'fixtures', 'facades', 'train'), join(root, 'train'), { recursive: true });
  cpSync(join(REPO, 'fixtures', 'facades', 'test'), join(root, 'test'), { recursive: true });
  const second = await resumeSweep(first.sweepId, opts);
  return { store, plan, root, first, second, lines };
}
