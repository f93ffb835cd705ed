// Training progress on the terminal: a cli-progress bar (iteration, it/s, ETA, losses) when the
// stream is a TTY, otherwise one plain line every `every` iterations (logs, CI, Slurm files).
import cliProgress from 'cli-progress';
import { formatDuration } from '@workbench/text';

export type ProgressMode = 'auto' | 'bar' | 'lines' | 'none';

export interface ProgressReporter {
  update(step: number, losses: Record<string, number>, itPerSec: number): void;
  /** A message that must not be garbled by the bar. */
  log(line: string): void;
  stop(): void;
}

function formatLosses(losses: Record<string, number>): string {
  return Object.entries(losses)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 100 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : v.toFixed(3)}`)
    .join(' ');
}

export function createProgress(
  mode: ProgressMode,
  opts: { total: number; start: number; every: number; stream?: NodeJS.WriteStream; label?: string },
): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'lines') : mode;
  if (resolved === 'none') return { update: () => undefined, log: () => undefined, stop: () => undefined };

  if (resolved === 'lines') {
    const t0 = Date.now();
    const s0 = opts.start;
    return {
      update(step, losses, itPerSec) {
        if (step % opts.every !== 0 && step !== opts.total) return;
        const avg = (step - s0) / Math.max(1e-3, (Date.now() - t0) / 1000);
        const eta = (opts.total - step) / Math.max(avg, 1e-9);
        const pct = ((100 * step) / opts.total).toFixed(0);
        stream.write(`${opts.label ?? 'train'} ${step}/${opts.total} (${pct}%) | ${itPerSec.toFixed(2)} it/s | ETA ${formatDuration(eta * 1000, '?')} | ${formatLosses(losses)}\n`);
      },
      log: (line) => void stream.write(`${line}\n`),
      stop: () => undefined,
    };
  }

  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${opts.label ?? 'train'} {bar} {value}/{total} | {rate} it/s | ETA {eta_formatted} | {losses}`,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
      barsize: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(opts.total, opts.start, { rate: '-', losses: '' });
  return {
    update(step, losses, itPerSec) {
      bar.update(step, { rate: itPerSec.toFixed(2), losses: formatLosses(losses) });
    },
    log(line) {
      // cli-progress redraws on its timer; clear the line, print, let it redraw
      stream.write(`\r\x1b[K${line}\n`);
    },
    stop: () => bar.stop(),
  };
}
