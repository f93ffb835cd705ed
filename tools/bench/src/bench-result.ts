// What one benchmark configuration reports (one row of the table, one element of the JSON).
import { formatTable } from '@workbench/text';
export interface BenchResult {
  backend: string;
  res: number;
  ngf: number;
  batch: number;
  status: 'ok' | 'failed' | 'skipped';
  /** Why a configuration was skipped or failed. */
  note?: string;
  /** Backend facts from initBackend (wasm binary, threads). */
  details: Record<string, string | number | boolean>;
  /** Median over the timed steps, after warm-up. */
  msPerStep?: number;
  stepsMs?: number[];
  /**
   * Median process CPU time (user + system, all threads) per step. On a shared machine it is the
   * steadier figure for single-threaded runs; for threaded runs it sums the threads.
   */
  cpuMsPerStep?: number;
  /** GFLOP per CPU-second: conv throughput per core actually used. */
  cpuGflops?: number;
  gflopPerStep?: number;
  gflops?: number;
  peakRssMB?: number;
  finiteLosses?: boolean;
  numTensors?: number;
  /** WORKBENCH_WASM_THREADS given to the run, if any. */
  threads?: string;
}

/** 'simd', 'threaded-simd ×2' for wasm; empty for other backends. */
function binaryLabel(r: BenchResult): string {
  const binary = r.details['wasm binary'];
  const stock = r.details['Conv2DBackpropInput'] === 'stock tfjs kernel' ? ', stock BackpropInput' : '';
  if (binary === undefined) return r.threads !== undefined && r.threads !== '0' ? `threads ${r.threads}` : '';
  return (binary === 'threaded-simd' ? `${binary} ×${r.details['wasm threads']}` : String(binary)) + stock;
}

/** The results as a markdown table (what the README quotes). */
export function formatBenchTable(rows: BenchResult[]): string {
  const head = ['backend', 'binary', 'res', 'ngf', 'GFLOP/step', 'ms/step', 'GFLOP/s', 'CPU ms/step', 'GFLOP/CPU-s', 'peak RSS MB', 'note'];
  const fmt = (x: number | undefined, digits: number) => (x === undefined ? '' : x.toFixed(digits));
  const body = rows.map((r) => [
    r.backend,
    binaryLabel(r),
    String(r.res),
    String(r.ngf),
    fmt(r.gflopPerStep, 2),
    r.msPerStep === undefined ? r.status : Math.round(r.msPerStep).toLocaleString('en-US'),
    fmt(r.gflops, 2),
    r.cpuMsPerStep === undefined ? '' : Math.round(r.cpuMsPerStep).toLocaleString('en-US'),
    fmt(r.cpuGflops, 2),
    r.peakRssMB === undefined ? '' : Math.round(r.peakRssMB).toString(),
    r.note ?? '',
  ]);
  return formatTable(head, body, { style: 'markdown' });
}
