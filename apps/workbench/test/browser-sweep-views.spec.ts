// The sweep and comparison views in headless Chromium (playwright-core, /usr/bin/chromium) against
// a real server and a real SQLite file: parallel coordinates with brushing, the scatter view,
// grouping by chosen keys with 95 % intervals, runs-table defaults, the compare page's run colours
// and eval table, the run page's full-size eval grid, and the explorer without an encoder.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/browser.js';
import { startTestDashboard, type TestDashboard } from './support/test-server.js';

let t: TestDashboard;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function open(hash: string, ready: string): Promise<void> {
  await page.goto(`${t.url}/${hash}`);
  await page.waitForSelector(`body[data-ready="${ready}"]`, { timeout: 60_000 });
}

/** Non-background pixels of a canvas: proves the chart drew. */
function inkedPixels(selector: string): Promise<number> {
  return page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) n++;
    return n;
  });
}

beforeAll(async () => {
  t = await startTestDashboard();
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
});

describe('hyperparameters vs metrics', () => {
  it('draws one parallel-coordinates line per run and brushing an axis filters them', async () => {
    await open('#/hparams?sweep=sweep-quick', 'hparams');
    const axes = await page.locator('#hp-pcp .pcp-axis').evaluateAll((els) => els.map((e) => e.getAttribute('data-axis')));
    // The swept key (method) and the paper's metrics; not the seed, not bookkeeping keys.
    expect(axes).toEqual(['config:method', 'eval:diversity_lpips_v0.0', 'eval:mode_coverage', 'eval:reconstruction_l1']);
    expect(await page.locator('#hp-pcp .pcp-label').allTextContents()).toEqual(['method', 'LPIPS v0.0 diversity', 'mode coverage', 'reconstruction L1']);
    expect(await page.locator('#hp-pcp polyline').count()).toBe(4);
    expect(await page.locator('#hp-selected').textContent()).toBe('4 of 4 runs');
    // Lines are coloured by method: two colours for two methods.
    const colours = await page.locator('#hp-pcp polyline').evaluateAll((els) => els.map((e) => e.getAttribute('stroke')));
    expect(new Set(colours).size).toBe(2);

    // Brush the top half of the mode-coverage axis: bicyclegan (0.83, 0.80) stays, cvae_gan (0.64, 0.61) goes.
    const hit = page.locator('#hp-pcp .pcp-hit[data-axis="eval:mode_coverage"]');
    const box = (await hit.boundingBox())!;
    const xMid = box.x + box.width / 2;
    await page.mouse.move(xMid, box.y + 4);
    await page.mouse.down();
    await page.mouse.move(xMid, box.y + 90, { steps: 4 });
    await page.mouse.up();
    expect(await page.locator('#hp-selected').textContent()).toBe('2 of 4 runs');
    const kept = await page.locator('#hp-pcp polyline[data-selected="1"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')).sort());
    expect(kept).toEqual(['run-bicyclegan-s0', 'run-bicyclegan-s1']);
    expect(await page.locator('#hp-table tbody tr').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.runId).sort())).toEqual(kept);
    expect(await page.locator('#hp-compare').getAttribute('href')).toMatch(/^#\/compare\?ids=run-bicyclegan-s\d,run-bicyclegan-s\d$/);
    // A click (no drag) on the axis clears its brush.
    await page.mouse.click(xMid, box.y + 40);
    expect(await page.locator('#hp-selected').textContent()).toBe('4 of 4 runs');
  });

  it('adds an axis from the picker and keeps the choice in the URL', async () => {
    await page.locator('#hp-axes input[data-axis="metric:loss_D"]').check();
    expect(await page.locator('#hp-pcp .pcp-axis').count()).toBe(5);
    expect(decodeURIComponent(await page.evaluate(() => location.hash))).toContain('metric:loss_D');
  });

  it('scatters diversity against mode coverage, one legend entry per method', async () => {
    expect(await page.locator('#hp-x').inputValue()).toBe('eval:diversity_lpips_v0.0');
    expect(await page.locator('#hp-y').inputValue()).toBe('eval:mode_coverage');
    const ds = await page.$eval('#hp-scatter', (c) => (c as unknown as { __chart: { data: { datasets: Array<{ label: string; data: Array<{ x: number; y: number }> }> } } }).__chart.data.datasets.map((d) => ({ label: d.label, n: d.data.length, xs: d.data.map((p) => p.x) })));
    expect(ds.map((d) => [d.label, d.n])).toEqual([['bicyclegan', 2], ['cvae_gan', 2]]);
    expect(ds[0].xs.sort()).toEqual([0.112, 0.116]);
    expect(await inkedPixels('#hp-scatter')).toBeGreaterThan(300);
    // Colour by a number instead: one dataset, a colour per point.
    await page.selectOption('#hp-sc', 'eval:reconstruction_l1');
    const one = await page.$eval('#hp-scatter', (c) => (c as unknown as { __chart: { data: { datasets: Array<{ backgroundColor: string[] }> } } }).__chart.data.datasets.map((d) => d.backgroundColor));
    expect(one).toHaveLength(1);
    expect(new Set(one[0]).size).toBe(4);
  });

  it('is linked from the sweep page', async () => {
    await open('#/sweep/sweep-quick', 'sweep');
    expect(await page.locator('#sweep-hparams').getAttribute('href')).toBe('#/hparams?sweep=sweep-quick');
  });
});

describe('no page errors', () => {
  it('ran every page above without an uncaught exception', () => {
    expect(pageErrors).toEqual([]);
  });
});
