// The iterations one metric point averages over: every loss summed since the last point
// (`train.log_every` iterations, fewer at a stop). A checkpoint saves the open window, so the
// first point after a resume covers the same iterations as in an uninterrupted run.
import type { CheckpointState } from './checkpoint.js';

export class MetricWindow {
  private readonly sums = new Map<string, number>();
  /** Iterations summed (restored ones included). */
  private steps = 0;
  /** When, and at which step, this process's part of the window began: it/s counts only those. */
  private startedAt = 0;
  private fromStep = 0;

  /** Continue the window a checkpoint saved. */
  restore(saved: CheckpointState['metricWindow'] | undefined): void {
    this.steps = saved?.steps ?? 0;
    for (const [k, v] of Object.entries(saved?.sums ?? {})) this.sums.set(k, v);
  }

  /** Start counting time and iterations for it/s at `step`. */
  begin(step: number, now: number): void {
    this.startedAt = now;
    this.fromStep = step;
  }

  add(losses: Record<string, number>): void {
    this.steps += 1;
    for (const [k, v] of Object.entries(losses)) this.sums.set(k, (this.sums.get(k) ?? 0) + v);
  }

  get isEmpty(): boolean {
    return this.steps === 0;
  }

  /** The window's point at `step` (the mean of each loss, and it/s), then a fresh window. */
  close(step: number, now: number): { means: Record<string, number>; itPerSec: number } {
    const itPerSec = (step - this.fromStep) / Math.max(1e-3, (now - this.startedAt) / 1000);
    const means: Record<string, number> = {};
    for (const [k, v] of this.sums) means[k] = v / this.steps;
    this.sums.clear();
    this.steps = 0;
    this.begin(step, now);
    return { means, itPerSec };
  }

  /** What a checkpoint saves. */
  saved(): NonNullable<CheckpointState['metricWindow']> {
    return { steps: this.steps, sums: Object.fromEntries(this.sums) };
  }
}
