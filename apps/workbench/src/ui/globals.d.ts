// Globals the vendor <script> tags in index.html define before app.js runs: the chart.js UMD
// build and its zoom plugin. `any` for now: the pages build chart configs as plain objects, which
// chart.js's deep-partial option types reject in ~20 places; type them before tightening this.
declare global {
  interface Window {
    Chart: any;
    ChartZoom: any;
  }
}

export {};
