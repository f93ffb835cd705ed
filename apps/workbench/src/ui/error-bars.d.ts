// Types of error-bars.js for the TypeScript that imports it (`workbench report`).
import type { Plugin } from 'chart.js';
export declare const errorBarsPlugin: Plugin;
