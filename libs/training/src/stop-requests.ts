// How a run is asked to stop: SIGINT/SIGTERM and an AbortSignal end the loop after the current
// iteration (a checkpoint is written and the run ends `killed`).
import type { TrainRunOptions } from './train-run-options.js';

export interface StopRequests {
  /** What asked the run to stop ('SIGINT', 'SIGTERM', 'abort'), or undefined. */
  reason(): string | undefined;
  dispose(): void;
}

/**
 * Stop requests: SIGINT/SIGTERM (when `handleSignals`) and `opts.signal` ask the loop to stop after
 * the current iteration (`reason()` names what asked). A second signal is handed to
 * `opts.onForcedStop`: the app decides how to exit (the library never ends the process).
 */
export function watchStopRequests(opts: Pick<TrainRunOptions, 'handleSignals' | 'signal' | 'onForcedStop'>): StopRequests {
  let stopReason: string | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopReason !== undefined) opts.onForcedStop?.(sig); // a second signal: stop now
    stopReason = sig;
  };
  const onAbort = (): void => {
    stopReason ??= 'abort';
  };
  if (opts.handleSignals !== false) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  opts.signal?.addEventListener('abort', onAbort);
  return {
    reason: () => stopReason,
    dispose: () => {
      if (opts.handleSignals !== false) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      opts.signal?.removeEventListener('abort', onAbort);
    },
  };
}
