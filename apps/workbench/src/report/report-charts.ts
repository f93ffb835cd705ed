// PNG charts for `workbench report`, drawn by chart.js on @napi-rs/canvas (prebuilt Skia binaries
// from the npm registry: no browser, no system Cairo). chart.js picks its DOM-free platform in Node.
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import { errorBarsPlugin } from '../ui/error-bars.js';

Chart.register(...registerables);

const PALETTE = ['#3366cc', '#dc3912', '#ff9900', '#109618', '#990099', '#0099c6', '#dd4477', '#66aa00', '#b82e2e', '#316395'];
const colour = (i: number, alpha = 1): string => {
  const hex = PALETTE[i % PALETTE.length] ?? '#000000';
  const [r, g, b] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
  return `rgba(${r},${g},${b},${alpha})`;
};

/** One group's curve: mean per step and the 95 % CI half-width (0 where fewer than 2 seeds). */
export interface CurveBand {
  label: string;
  steps: number[];
  mean: number[];
  half: number[];
}

/** One bar: mean with a 95 % CI [lo, hi] (null: one seed, no interval). */
export interface Bar {
  label: string;
  mean: number;
  lo: number | null;
  hi: number | null;
}

const WHITE_BACKGROUND: Plugin = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

async function render(config: ChartConfiguration, width: number, height: number): Promise<Buffer> {
  const canvas = createCanvas(width, height);
  const chart = new Chart(canvas as unknown as HTMLCanvasElement, {
    ...config,
    options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 1 },
    plugins: [WHITE_BACKGROUND, ...(config.plugins ?? [])],
  });
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}

/** Mean curves over steps with shaded 95 % CI bands, one colour per group. */
export function curveChart(title: string, bands: CurveBand[], width = 760, height = 400): Promise<Buffer> {
  const datasets = bands.flatMap((b, i) => {
    // A step without a mean or half-width is a gap (NaN), which chart.js leaves undrawn.
    const pts = (f: (mean: number, half: number) => number) => b.steps.map((x, j) => ({ x, y: f(b.mean[j] ?? Number.NaN, b.half[j] ?? Number.NaN) }));
    return [
      { label: '', data: pts((m, h) => m + h), borderColor: 'transparent', pointRadius: 0, fill: false },
      { label: '', data: pts((m, h) => m - h), borderColor: 'transparent', backgroundColor: colour(i, 0.18), pointRadius: 0, fill: '-1' },
      { label: b.label, data: pts((m) => m), borderColor: colour(i), backgroundColor: colour(i), pointRadius: 2, borderWidth: 2, fill: false },
    ];
  });
  return render(
    {
      type: 'line',
      data: { datasets },
      options: {
        parsing: false,
        scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: title } } },
        plugins: {
          title: { display: true, text: `${title} (mean over seeds, shaded: 95 % CI)` },
          legend: { labels: { filter: (item) => item.text !== '' } },
        },
      },
    },
    width,
    height,
  );
}

/** One bar per row with 95 % CI whiskers. */
export function barChart(title: string, bars: Bar[], width = 760, height = 380): Promise<Buffer> {
  // the axis must hold the whiskers, which with few seeds reach far beyond the bars
  const lows = bars.map((b) => b.lo ?? b.mean);
  const highs = bars.map((b) => b.hi ?? b.mean);
  return render(
    {
      type: 'bar',
      data: {
        labels: bars.map((b) => b.label),
        datasets: [
          {
            label: title,
            data: bars.map((b) => b.mean),
            backgroundColor: bars.map((_, i) => colour(i, 0.7)),
            intervals: bars.map((b) => (b.lo !== null && b.hi !== null ? [b.lo, b.hi] : null)),
          } as never,
        ],
      },
      options: {
        scales: { y: { suggestedMin: Math.min(0, ...lows), suggestedMax: Math.max(...highs) } },
        plugins: { title: { display: true, text: `${title} (mean, 95 % CI over seeds; no whisker: 1 seed)` }, legend: { display: false } },
      },
      plugins: [errorBarsPlugin],
    },
    width,
    height,
  );
}
