// What one benchmark configuration reports (one row of the table, one element of the JSON).
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
  gflopPerStep?: number;
  gflops?: number;
  peakRssMB?: number;
  finiteLosses?: boolean;
  numTensors?: number;
  /** WORKBENCH_WASM_THREADS given to the run, if any. */
  threads?: string;
}

export function formatTable(rows: BenchResult[]): string {
  const head = ['backend', 'threads', 'res', 'ngf', 'GFLOP/step', 'ms/step', 'GFLOP/s', 'peak RSS MB', 'note'];
  const fmt = (x: number | undefined, digits: number) => (x === undefined ? '' : x.toFixed(digits));
  const body = rows.map((r) => [
    r.backend,
    r.threads ?? String(r.details['wasm threads'] ?? ''),
    String(r.res),
    String(r.ngf),
    fmt(r.gflopPerStep, 2),
    r.msPerStep === undefined ? r.status : Math.round(r.msPerStep).toLocaleString('en-US'),
    fmt(r.gflops, 2),
    r.peakRssMB === undefined ? '' : Math.round(r.peakRssMB).toString(),
    r.note ?? '',
  ]);
  const all = [head, ...body];
  const widths = head.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
