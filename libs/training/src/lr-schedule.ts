// The official learning-rate policy `linear` (networks.get_scheduler): a LambdaLR stepped once per
// epoch, the same for every optimizer.
//   factor(e) = 1 - max(0, e + epoch_count - niter) / (niter_decay + 1),  epoch_count = 1,
// with e = number of completed epochs. Epochs 1..niter use lr; the last epoch uses
// lr / (niter_decay + 1), never exactly 0 inside training.

export interface LrScheduleOptions {
  lr: number;
  niter: number;
  niterDecay: number;
}

/** Learning rate used during epoch `e` (0-based: e completed epochs). */
export function lrForEpoch(e: number, opts: LrScheduleOptions): number {
  const factor = 1 - Math.max(0, e + 1 - opts.niter) / (opts.niterDecay + 1);
  return opts.lr * factor;
}

/**
 * Learning rate for iteration `it` (0-based) when training is capped at `totalIters` iterations
 * (`train.iters > 0`): the niter + niter_decay epochs are spread evenly over the iterations, and
 * iteration `it` belongs to virtual epoch floor(it · epochs / totalIters). The lr stays piecewise
 * constant, as in the official per-epoch schedule.
 */
export function lrForIteration(it: number, totalIters: number, opts: LrScheduleOptions): number {
  const epochs = opts.niter + opts.niterDecay;
  const e = Math.min(epochs - 1, Math.floor((it * epochs) / totalIters));
  return lrForEpoch(e, opts);
}
