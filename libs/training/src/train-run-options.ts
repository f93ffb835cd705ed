// What trainRun takes and returns: the options (store, signals, callbacks for the app and tests)
// and the run's end (status, steps, speed, time spent in in-training evaluations).
import type { RunRecorder } from '@workbench/tracking';
import type { ProgressMode } from './progress.js';
import type { TrainingEvaluatorFactory } from './training-evaluator.js';

export type RunEndStatus = 'finished' | 'failed' | 'killed';

export interface TrainRunOptions {
  /** The local store (`openStore`) or a remote client (`tracking.uri`): the tracking RunRecorder. */
  store: RunRecorder;
  /** The command-line overrides (saved as overrides.yaml). */
  overrides?: string[];
  /** The command line that reproduces the run (recorded in the store). */
  command?: string;
  /** Backend name for the run record (e.g. from describeBackend). */
  backend?: string;
  progress?: ProgressMode;
  /** Where progress and messages go (default stderr). */
  stream?: NodeJS.WriteStream;
  /** Install SIGINT/SIGTERM handlers for the duration of the run (default true). */
  handleSignals?: boolean;
  /** Heartbeat period (default 5000 ms; the store calls a run crashed after its threshold). */
  heartbeatMs?: number;
  /** Aborting stops the run like SIGTERM would (checkpoint, `killed`). */
  signal?: AbortSignal;
  /** Called after every completed iteration (tests: tensor counts, NaN injection). */
  onStep?: (step: number, losses: Record<string, number>) => void;
  /** Fixed run id for a new run (default: newRunId()). */
  runId?: string;
  /** Period of the system metrics (CPU %, RSS, wasm heap; default 5000 ms). */
  systemMetricsMs?: number;
  /** A second SIGINT/SIGTERM while the run is stopping (checkpoint, record): the app decides
   *  what to do (`workbench train` exits 130/143 at once). Without it the second signal is ignored. */
  onForcedStop?: (signal: NodeJS.Signals) => void;
  /** Called once the run is recorded (new or resumed), before any training. */
  onStart?: (run: { runId: string; runDir: string; resumed: boolean }) => void;
  /** Builds the in-training evaluator (`train.eval_every` > 0); the app passes
   *  `createTrainingEvaluator` from @workbench/metrics. Without it eval_every is noted and ignored. */
  createEvaluator?: TrainingEvaluatorFactory;
}

export interface TrainRunResult {
  runId: string;
  runDir: string;
  status: RunEndStatus;
  /** Why the run ended when not finished. */
  reason?: string;
  /** Completed iterations. */
  step: number;
  totalSteps: number;
  /** Mean iterations per second of this process's iterations. */
  itPerSec: number;
  lastCheckpoint?: string;
  /** Wall seconds of this process's loop spent in in-training evaluations, and in everything else
   *  (iterations, grids, checkpoints): their ratio is eval_every's overhead. */
  evalSeconds: number;
  trainSeconds: number;
  /** In-training evaluations done by this process. */
  evaluations: number;
}
