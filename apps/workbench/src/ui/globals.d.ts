// Globals the vendor <script> tags in index.html define before app.js runs: the chart.js UMD
// build and its zoom plugin (whose types add the `zoom` options and `chart.resetZoom()`).
import type { Chart, Plugin } from 'chart.js';
import type {} from 'chartjs-plugin-zoom';

declare global {
  interface Window {
    Chart: typeof Chart;
    ChartZoom: Plugin;
  }
  interface HTMLCanvasElement {
    /** The chart drawn on this canvas: the browser tests read its data and options. */
    __chart?: Chart;
  }
}

export {};
