// System metrics of a training process over time, logged as metric series next to the losses
// (so the run page charts them like any other metric):
//   sys_cpu_percent   CPU time of this process per wall time since the last sample (100 = one core)
//   sys_rss_mb        resident set size
//   sys_wasm_heap_mb  the wasm backend's linear memory (absent on other backends)
//   sys_tensor_mb     bytes held by live tensors (tf.memory())
// Sampled on a timer (not in the training step), at the training step current at that moment.
import * as tf from '@tensorflow/tfjs';
import type { RunMetricWriter } from '@workbench/tracking';

const MB = 1024 * 1024;

/** The wasm module's heap size, when the active backend is wasm. */
function wasmHeapBytes(): number | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return wasm?.HEAPU8?.buffer.byteLength;
}

export class SystemSampler {
  private lastCpu = process.cpuUsage();
  private lastAt = process.hrtime.bigint();

  sample(): Record<string, number> {
    const cpu = process.cpuUsage(this.lastCpu); // µs since the last sample
    const now = process.hrtime.bigint();
    const wallUs = Number(now - this.lastAt) / 1000;
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const out: Record<string, number> = {
      sys_cpu_percent: wallUs > 0 ? (100 * (cpu.user + cpu.system)) / wallUs : 0,
      sys_rss_mb: process.memoryUsage.rss() / MB,
      sys_tensor_mb: tf.memory().numBytes / MB,
    };
    const heap = wasmHeapBytes();
    if (heap !== undefined) out['sys_wasm_heap_mb'] = heap / MB;
    return out;
  }
}

/** Log a sample every `everyMs` at the step `currentStep()` returns; `stop()` ends it. */
export function startSystemMetrics(writer: RunMetricWriter, currentStep: () => number, everyMs: number): { stop(): void } {
  const sampler = new SystemSampler();
  const timer = setInterval(() => {
    try {
      writer.log(currentStep(), sampler.sample());
    } catch {
      clearInterval(timer); // the writer closed at the end of the run: nothing more to log
    }
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
