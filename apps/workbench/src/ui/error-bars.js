// @ts-check
// chart.js has no error bars: this plugin draws a whisker from lo to hi on every bar whose
// dataset has `intervals[i] = [lo, hi]` (null: none). Plain ES module without DOM access, shared
// by the dashboard's bar charts (browser) and `workbench report`'s PNG charts (Node).
/** @type {import('chart.js').Plugin<'bar'>} */
export const errorBarsPlugin = {
  id: 'errorBars',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const y = chart.scales.y;
    if (!y) return; // a bar chart without a y axis has no values to draw whiskers at
    chart.data.datasets.forEach((ds, di) => {
      const meta = chart.getDatasetMeta(di);
      if (meta.hidden) return;
      meta.data.forEach((bar, i) => {
        const iv = ds.intervals?.[i];
        const lo = iv?.[0];
        const hi = iv?.[1];
        if (lo === undefined || hi === undefined || !(hi > lo)) return;
        const top = y.getPixelForValue(hi);
        const bottom = y.getPixelForValue(lo);
        ctx.save();
        ctx.strokeStyle = '#333';
        ctx.lineWidth = 1.2;
        ctx.beginPath();
        ctx.moveTo(bar.x, top);
        ctx.lineTo(bar.x, bottom);
        ctx.moveTo(bar.x - 4, top);
        ctx.lineTo(bar.x + 4, top);
        ctx.moveTo(bar.x - 4, bottom);
        ctx.lineTo(bar.x + 4, bottom);
        ctx.stroke();
        ctx.restore();
      });
    });
  },
};
