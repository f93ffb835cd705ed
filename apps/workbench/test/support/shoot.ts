// Screenshots of a running dashboard: how the README's pictures are made, from a real sweep (the
// seeded test database's numbers are made up, so its screenshots stay in the tests' temp folder).
//   npm start                                   # the quick sweep, then the dashboard on :7860
//   node bin/run-ts.js apps/workbench/test/support/shoot.ts http://127.0.0.1:7860 docs/screenshots \
//     'runs=#/runs' 'run=#/run/<run id>' 'sweep=#/sweep/<sweep id>' ...
// Each `name=hash` is written to <outDir>/<name>.png at 1280×800.
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './browser.js';

const [base, outDir, ...shots] = process.argv.slice(2);
if (!base || !outDir || shots.length === 0 || shots.some((s) => !/^[\w-]+=#\//.test(s))) {
  console.error("usage: shoot.ts <dashboard url> <out dir> name=#/hash ...   (e.g. 'runs=#/runs')");
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on('pageerror', (e) => console.log('pageerror:', e.message));
for (const shot of shots) {
  const [name, hash] = [shot.slice(0, shot.indexOf('=')), shot.slice(shot.indexOf('=') + 1)];
  await page.goto(`${base}/${hash}`);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(2500); // a picture, not a test: let charts and images finish drawing
  await page.screenshot({ path: `${outDir}/${name}.png` });
  console.log(`${outDir}/${name}.png  ${hash}`);
}
await browser.close();
