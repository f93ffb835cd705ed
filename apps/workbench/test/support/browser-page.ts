// One headless Chromium page for a browser test file, and the two things every such test does
// with it: open a hash route and wait until the page says it is ready, and prove a canvas drew.
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser.js';

export interface TestPage {
  browser: Browser;
  page: Page;
  /** Uncaught exceptions of the page (a test asserts it stays empty). */
  pageErrors: string[];
}

export async function launchPage(): Promise<TestPage> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { browser, page, pageErrors };
}

/** Go to `<base>/<hash>` and wait for `body[data-ready=<ready>]` (set when the page rendered). */
export async function openHash(page: Page, base: string, hash: string, ready: string): Promise<void> {
  await page.goto(`${base}/${hash}`);
  await page.waitForSelector(`body[data-ready="${ready}"]`, { timeout: 60_000 });
}

/** Non-background pixels of a canvas: proves the chart actually drew. */
export function inkedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i]! < 240 || data[i + 1]! < 240 || data[i + 2]! < 240)) n++;
    return n;
  });
}
