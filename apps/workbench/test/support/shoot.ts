// Ad-hoc: screenshot pages of a running dashboard (UI work by hand).
//   node bin/run-ts.js apps/workbench/test/support/shoot.ts http://127.0.0.1:7861 /tmp/shots '#/runs' ...
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './browser.js';

const [base, outDir, ...hashes] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
for (const [i, h] of hashes.entries()) {
  await page.goto(`${base}/${h}`);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${outDir}/shot-${i}.png` });
  console.log('shot', i, h);
}
await browser.close();
