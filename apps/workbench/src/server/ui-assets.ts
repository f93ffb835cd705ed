// The browser UI: static files from `src/ui` plus the few browser builds it needs from
// node_modules (chart.js UMD, hammer.js, chartjs-plugin-zoom) and the workspace's plain-JS
// modules it shares with the CLI (@workbench/text's duration format), served under /vendor. No
// bundler: the UI is plain ES modules.
import express, { type Router } from 'express';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FORMAT_DURATION_FILE } from '@workbench/text';

export const UI_DIR = fileURLToPath(new URL('../ui/', import.meta.url));

const require = createRequire(import.meta.url);

/** Package entry points resolved through node's resolver (works with hoisted workspaces). */
function vendorFiles(): ReadonlyMap<string, string> {
  const chartDir = path.dirname(require.resolve('chart.js')); // .../chart.js/dist
  const zoomDir = path.dirname(require.resolve('chartjs-plugin-zoom'));
  const hammer = require.resolve('hammerjs/hammer.min.js', { paths: [path.dirname(zoomDir)] });
  // A Map: the file name comes from the URL (`/vendor/toString` must be a 404, not a property).
  return new Map([
    ['chart.umd.min.js', path.join(chartDir, 'chart.umd.min.js')],
    ['hammer.min.js', hammer],
    ['chartjs-plugin-zoom.min.js', path.join(zoomDir, 'chartjs-plugin-zoom.min.js')],
    ['format-duration.js', FORMAT_DURATION_FILE],
  ]);
}

export function uiRouter(): Router {
  const router = express.Router();
  const vendor = vendorFiles();
  router.get('/vendor/:file', (req, res, next) => {
    const file = vendor.get(req.params.file);
    if (!file) return next();
    res.sendFile(file, { maxAge: '1d' });
  });
  router.use(express.static(UI_DIR, { index: 'index.html', dotfiles: 'deny', fallthrough: true }));
  return router;
}
