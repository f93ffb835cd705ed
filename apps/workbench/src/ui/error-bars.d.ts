// Types of error-bars.js for the TypeScript that imports it (`workbench report`) and the UI's
// charts: the plugin, and the dataset option it reads.
import type { Plugin } from 'chart.js';

declare module 'chart.js' {
  interface BarControllerDatasetOptions {
    /** Per bar the whisker [lo, hi] the errorBars plugin draws (null: none). */
    intervals: ([number, number] | null)[];
  }
}

export declare const errorBarsPlugin: Plugin<'bar'>;
