// Buffers metric points and writes them in batches: one transaction per `flushEvery` points (or
// every `flushMs`, or on flush/close) instead of one per point, which is what keeps many
// concurrent writers cheap. The sink is the local store or, for remote runs, an HTTP client.
import type { MetricPoint } from './types.js';

export type MetricSink = (runId: string, points: MetricPoint[]) => void | Promise<void>;

export interface MetricWriterOptions {
  /** Flush when this many points are buffered (default 256). */
  flushEvery?: number;
  /** Flush buffered points at most this long after they were logged (default 2000 ms; 0 = off).
   *  The timer is unref'd and only fires when the event loop is free (not during a sync step). */
  flushMs?: number;
}

export class MetricWriter {
  private buffer: MetricPoint[] = [];
  private timer: NodeJS.Timeout | null = null;
  private isClosed = false;
  private pending: Promise<void> = Promise.resolve();
  /** The last error of a timer-driven flush (the points stay buffered and are retried). */
  lastError: unknown = null;
  private readonly flushEvery: number;
  private readonly flushMs: number;

  constructor(
    private readonly sink: MetricSink,
    readonly runId: string,
    opts: MetricWriterOptions = {},
  ) {
    this.flushEvery = Math.max(1, opts.flushEvery ?? 256);
    this.flushMs = opts.flushMs ?? 2000;
  }

  /** Log one point. */
  point(key: string, step: number, value: number, wallTime: number = Date.now()): void {
    if (this.isClosed) throw new Error(`metric writer of run ${this.runId} is closed`);
    this.buffer.push({ key, step, value, wallTime });
    if (this.buffer.length >= this.flushEvery) void this.flush();
    else this.arm();
  }

  /** Log several metrics at one step: `log(100, {G_GAN: 0.7, G_L1: 0.3})`. */
  log(step: number, values: Record<string, number>, wallTime: number = Date.now()): void {
    for (const [key, value] of Object.entries(values)) this.point(key, step, value, wallTime);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** Write buffered points. With a synchronous sink (the local store) the write has completed
   *  when flush returns; await it for async sinks. A failed write keeps the points buffered. */
  flush(): Promise<void> {
    this.disarm();
    if (this.buffer.length === 0) return this.pending;
    const batch = this.buffer;
    this.buffer = [];
    const restore = (err: unknown) => {
      this.buffer = batch.concat(this.buffer);
      throw err;
    };
    let result: void | Promise<void> = undefined;
    try {
      result = this.sink(this.runId, batch);
    } catch (err) {
      restore(err);
    }
    if (result instanceof Promise) {
      this.pending = this.pending.then(() => result).catch(restore);
    }
    return this.pending;
  }

  /** Flush and stop; further logging throws. */
  async close(): Promise<void> {
    await this.flush();
    this.isClosed = true;
  }

  private arm(): void {
    if (this.timer || this.flushMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.flush().catch((err: unknown) => (this.lastError = err));
      } catch (err) {
        this.lastError = err;
      }
    }, this.flushMs);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
