// @ts-check
// chart.js has no error bars: this plugin draws a whisker from lo to hi on every bar whose
// dataset has `intervals[i] = [lo, hi]` (null: none). Plain ES module without DOM access, shared
// by the dashboard's bar charts (browser) and `workbench report`'s PNG charts (Node).
export const errorBarsPlugin = {
  id: 'errorBars',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((ds, di) => {
      const meta = chart.getDatasetMeta(di);
      if (meta.hidden) return;
      meta.data.forEach((bar, i) => {
        const iv = ds.intervals?.[i];
        if (!iv || !(iv[1] > iv[0])) return;
        const y = chart.scales.y;
        const top = y.getPixelForValue(iv[1]);
        const bottom = y.getPixelForValue(iv[0]);
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
