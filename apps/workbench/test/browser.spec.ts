// The UI in headless Chromium (Debian `chromium` + playwright-core) against a real server and a
// real SQLite file. Each page is also screenshotted, into WORKBENCH_SCREENSHOTS_DIR or a temp
// folder: the seeded database's numbers are made up, so these never become the README's
// pictures (those come from a real sweep: test/support/shoot.ts).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '@workbench/tracking';
import { startServer } from '../src/server/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/browser.js';
import { inkedPixels, openHash } from './support/browser-page.js';
import { XSS_NAME } from './support/seed-dashboard.js';
import { startTestDashboard, type TestDashboard } from './support/test-server.js';

// Screenshots are kept only where WORKBENCH_SCREENSHOTS_DIR asks for them (the README's images).
const KEEP_SHOTS = process.env['WORKBENCH_SCREENSHOTS_DIR'] || undefined; // empty = unset
const SHOTS = `${KEEP_SHOTS ?? mkdtempSync(join(tmpdir(), 'workbench-screenshots-'))}/`;

let t: TestDashboard;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const open = (hash: string, ready: string) => openHash(page, t.url, hash, ready);

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}${name}.png` });
  expect(await sharp(`${SHOTS}${name}.png`).metadata()).toMatchObject({ format: 'png', width: 1280, height: 800 });
}

const inked = (selector: string) => inkedPixels(page, selector);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await startTestDashboard();
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('dialog', (d) => {
    pageErrors.push(`unexpected dialog: ${d.message()}`);
    void d.dismiss();
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
  if (KEEP_SHOTS === undefined) rmSync(SHOTS, { recursive: true, force: true });
});

describe('runs table', () => {
  it('renders every run, with status reasons and metric columns', async () => {
    await open('#/runs', 'runs');
    expect(await page.locator('table.runs tbody tr').count()).toBe(8);
    const failedRow = page.locator('tr[data-run-id="run-failed"]');
    expect(await failedRow.locator('.status').textContent()).toBe('failed');
    expect(await failedRow.locator('.reason').textContent()).toMatch(/NaN in loss_G_GAN/);
    // Eval columns carry the paper tables' names.
    expect(await page.locator('table.runs thead th').allTextContents()).toEqual(expect.arrayContaining(['loss_G_GAN', 'LPIPS v0.0 diversity', 'mode coverage', 'model.nz']));
    await shot('runs');
  });

  it('shows an HTML run name as text and never runs it', async () => {
    const link = page.locator('tr[data-run-id="run-xss"] a.run-name');
    expect(await link.textContent()).toBe(XSS_NAME);
    expect(await page.locator('tr[data-run-id="run-xss"] img').count()).toBe(0);
    expect(await page.locator('tr[data-run-id="run-xss"] .tag').allTextContents()).toContain('<b>bold</b>');
    expect(await page.locator('script:not([src])').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });

  it('sorts by a column when its header is clicked', async () => {
    await page.click('th[data-sort="name"]');
    await page.waitForSelector('th[data-sort="name"] .arrow');
    await page.waitForFunction(() => location.hash.includes('sort=name'));
    const names = await page.locator('table.runs tbody a.run-name').allTextContents();
    expect(names).toHaveLength(8);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    await page.click('th[data-sort="name"]'); // again: descending
    await page.waitForFunction(() => document.querySelector('th[data-sort="name"] .arrow')?.textContent?.includes('▼'));
    const desc = await page.locator('table.runs tbody a.run-name').allTextContents();
    expect(desc).toEqual([...names].reverse());
  });

  it('filters by status and groups seeds as mean [95% CI] (n)', async () => {
    await open('#/runs', 'runs');
    await page.click('.chip[data-status="failed"]');
    await page.waitForFunction(() => document.querySelectorAll('table.runs tbody tr').length === 1);
    await page.click('.chip[data-status="failed"]');
    await page.waitForFunction(() => document.querySelectorAll('table.runs tbody tr').length === 8);
    await page.check('#group-toggle');
    await page.waitForSelector('table.groups');
    const bic = page.locator('table.groups tbody tr', { hasText: 'seed 1' }).first();
    expect(await bic.textContent()).toMatch(/\d \[[-\d.]+, [-\d.]+\] \(n=2\)/);
    await shot('runs-grouped');
  });
});

describe('run page', () => {
  it('draws loss curves and shows image grids with a step slider', async () => {
    await open('#/run/run-bicyclegan-s0', 'run');
    await page.waitForSelector('#curves canvas');
    const points = await page.$$eval('#curves canvas', (cs) => cs.map((c) => (c as unknown as { __chart: { data: { datasets: { label: string; data: unknown[] }[] } } }).__chart.data.datasets.filter((d) => !d.label.startsWith('_')).reduce((n, d) => n + d.data.length, 0)));
    expect(points.length).toBe(5);
    expect(Math.min(...points)).toBe(81);
    expect(await inked('#curves canvas')).toBeGreaterThan(500);
    const img = page.locator('#images img.grid');
    await img.waitFor();
    await page.waitForFunction(() => (document.querySelector('#images img.grid') as HTMLImageElement).naturalWidth > 0);
    expect(await img.getAttribute('src')).toContain('step-0000400.png');
    await page.$eval('#images .step-slider', (s) => {
      (s as HTMLInputElement).value = '0';
      s.dispatchEvent(new Event('input'));
    });
    expect(await img.getAttribute('src')).toContain('step-0000100.png');
    expect(await page.locator('pre.command').textContent()).toContain('npx workbench train method=bicyclegan seed=0');
    expect(await page.locator('table.checkpoints').textContent()).toContain('G.safetensors');
    await page.$eval('#images .step-slider', (s) => {
      (s as HTMLInputElement).value = '3';
      s.dispatchEvent(new Event('input'));
    });
    expect(await page.locator('#run-log').textContent()).toMatch(/step 1495 loss_G_L1/);
    // x axis as wall-clock minutes: the seed logs one step per second, 400 steps = 6.67 min.
    await page.locator('#curves .chart-controls select').first().selectOption('time');
    const maxX = await page.$eval('#curves canvas', (c) => Math.max(...(c as unknown as { __chart: { data: { datasets: { data: { x: number }[] }[] } } }).__chart.data.datasets[0]?.data.map((p) => p.x) ?? []));
    expect(maxX).toBeCloseTo(400 / 60, 6);
    await page.locator('#curves .chart-controls select').first().selectOption('step');
    await shot('run');
    await page.evaluate(() => document.querySelector('#images')!.scrollIntoView({ block: 'start' }));
    await page.evaluate(() => window.scrollBy(0, -100)); // keep the section title below the sticky bar
    await shot('run-images');
  });

  it('charts the system metrics a run records (CPU %, RSS, wasm heap, tensor memory) beside its losses', async () => {
    // The series the trainer's system sampler writes (libs/training/src/system-metrics.ts).
    const store = t.seeded.store;
    const run = store.createRun({ id: 'run-sys', method: 'bicyclegan', config: {}, at: Date.now() - 60_000 });
    const sys = { sys_cpu_percent: 180, sys_rss_mb: 900, sys_wasm_heap_mb: 1200, sys_tensor_mb: 300 };
    store.logMetrics(run.id, Array.from({ length: 12 }, (_, i) => [
      { key: 'loss_G_L1', step: i * 10, value: 1 / (i + 1) },
      ...Object.entries(sys).map(([key, v]) => ({ key, step: i * 10, value: v + 10 * i })),
    ]).flat());
    try {
      await open('#/run/run-sys', 'run');
      await page.waitForFunction(() => document.querySelectorAll('#curves canvas').length === 5);
      const charted = await page.$$eval('#curves canvas', (cs) =>
        cs.map((c) => (c as unknown as { __chart: { data: { datasets: { label: string; data: unknown[] }[] } } }).__chart.data.datasets.filter((d) => !d.label.startsWith('_')).map((d) => `${d.label}:${d.data.length}`)).flat().sort(),
      );
      expect(charted).toEqual(['loss_G_L1:12', 'sys_cpu_percent:12', 'sys_rss_mb:12', 'sys_tensor_mb:12', 'sys_wasm_heap_mb:12']);
      expect(await inked('#curves canvas')).toBeGreaterThan(500);
    } finally {
      store.deleteRun(run.id); // later tests count the seeded runs
    }
  });

  it('edits the run name and tags in place; HTML in them stays text', async () => {
    await open('#/run/run-failed', 'run');
    await page.click('#edit-run');
    await page.fill('#edit-name', '<b>renamed</b>');
    await page.fill('#edit-tags', 'keep, <i>x</i>');
    await page.click('#edit-save');
    await page.waitForFunction(() => document.querySelector('.run-title')?.textContent === '<b>renamed</b>');
    expect(await page.locator('h1 b').count()).toBe(0);
    expect(await page.locator('.kv .tag').allTextContents()).toEqual(['keep', '<i>x</i>']);
  });

  it('updates a running run live, without a reload', async () => {
    await open('#/run/run-live', 'run');
    await page.waitForSelector('#curves canvas');
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 1));
    const writer = openStore(t.seeded.dbPath);
    writer.logMetrics('run-live', Array.from({ length: 20 }, (_, i) => ({ key: 'loss_D', step: 150 + i * 10, value: 0.2 })));
    writer.heartbeat('run-live');
    writer.close();
    await page.waitForFunction(
      () => Array.from(document.querySelectorAll('#curves canvas')).some((c) => (c as unknown as { __chart: { data: { datasets: { data: { x: number }[] }[] } } }).__chart.data.datasets.some((d) => d.data.some((p) => p.x === 340))),
      undefined,
      { timeout: 15_000 },
    );
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(1); // same document
  });
});

describe('compare', () => {
  it('lets you pick runs when none are in the URL', async () => {
    await open('#/compare', 'compare');
    const boxes = page.locator('table.compare-picker tbody input[type=checkbox]');
    expect(await boxes.count()).toBe(8);
    await boxes.nth(3).check();
    await boxes.nth(4).check();
    await page.click('button:has-text("Compare (2)")');
    await page.waitForSelector('table.diff');
    expect(page.url()).toMatch(/#\/compare\?ids=.+,.+/);
  });

  it('shows the config diff, overlaid curves, bands over seeds and grids at one step', async () => {
    await open('#/compare?ids=run-bicyclegan-s0,run-bicyclegan-s1,run-cvae_gan-s0,run-cvae_gan-s1', 'compare');
    expect(await page.locator('table.diff tr[data-key="method"]').count()).toBe(1);
    expect(await page.locator('table.diff tr[data-key="seed"]').count()).toBe(1);
    expect(await page.locator('table.diff tr[data-key="model.nz"]').count()).toBe(0);
    await page.waitForSelector('#compare-curves canvas');
    expect(await page.$$eval('#compare-images img.grid', (imgs) => imgs.length)).toBe(4);
    await shot('compare');
    await page.check('#bands-toggle');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#compare-curves canvas')).some((c) => (c as unknown as { __chart: { data: { datasets: { label: string }[] } } }).__chart.data.datasets.some((d) => d.label.includes('(n=2, 95 % CI)'))));
    expect(await inked('#compare-curves canvas')).toBeGreaterThan(500);
    await page.locator('#compare-curves').scrollIntoViewIfNeeded();
    await shot('compare-bands');
  });
});

describe('sweeps and tables', () => {
  it('lists sweeps and shows the job grid, tables and bar chart with downloads', async () => {
    await open('#/sweeps', 'sweeps');
    expect(await page.locator('table.sweeps tbody tr').count()).toBe(1);
    await shot('sweeps');
    await open('#/sweep/sweep-quick', 'sweep');
    await page.waitForSelector('.job');
    expect(await page.locator('.job[data-status="finished"]').count()).toBe(4);
    await page.waitForSelector('.paper-table canvas');
    expect(await page.locator('.paper-table table').first().textContent()).toMatch(/0\.1140 \[0\.0886, 0\.1394\] \(2\) \*/);
    expect(await page.locator('.paper-table .tag.mark-reference').first().textContent()).toBe('reference');
    expect(await page.locator('.paper-table td.num.significant').count()).toBeGreaterThan(0);
    expect(await inked('.paper-table canvas')).toBeGreaterThan(300);
    expect(await page.locator('.paper-table').first().textContent()).toMatch(/fooling rate/);
    const csvHref = await page.locator('a', { hasText: 'CSV' }).getAttribute('href');
    const csv = await page.evaluate(async (href) => (await fetch(href!)).text(), csvHref);
    expect(csv).toContain('diversity_lpips_v0.0');
    await shot('sweep');
  });
});

describe('latent explorer', () => {
  it('draws samples with the run generator and interpolates between two z', async () => {
    await open('#/explorer?run=run-bicyclegan-s0&seed=3', 'explorer');
    await page.waitForFunction(() => document.querySelectorAll('#explorer-samples img').length === 8, undefined, { timeout: 20_000 });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#explorer-samples img')).every((i) => (i as HTMLImageElement).naturalWidth === 32));
    // The samples' z come from the seed in the URL: a shared link shows the same samples.
    const sources = () => page.locator('#explorer-samples img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src));
    const seeded = await sources();
    expect(await page.inputValue('#explorer-seed')).toBe('3');
    await page.click('button:has-text("next seed")');
    await page.waitForFunction(() => location.hash.endsWith('seed=4'));
    await page.waitForFunction((before) => (document.querySelector('#explorer-samples img') as HTMLImageElement | null)?.src !== before, seeded[0]);
    await page.fill('#explorer-seed', '3');
    await page.click('button:has-text("draw samples")');
    await page.waitForFunction((before) => (document.querySelector('#explorer-samples img') as HTMLImageElement | null)?.src === before, seeded[0]);
    expect(await sources()).toEqual(seeded);
    await page.click('button:has-text("slerp A → B")');
    await page.waitForFunction(() => document.querySelectorAll('#explorer-interp img').length === 8, undefined, { timeout: 20_000 });
    // A guide image: uploaded, encoded by E, its z drawn as a new sample.
    const guide = await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 230, g: 200, b: 20 } } }).png().toBuffer();
    await page.setInputFiles('input[type=file]', { name: 'guide.png', mimeType: 'image/png', buffer: guide });
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#explorer-samples figcaption')).some((c) => c.textContent === 'guide'), undefined, { timeout: 20_000 });
    expect(await page.locator('#explorer-samples img').count()).toBe(9);
    await shot('explorer');
  });
});

describe('realism study', () => {
  it('flashes a real and a generated image, then stores the answer', async () => {
    await open('#/realism?run=run-bicyclegan-s0', 'realism');
    const before = await page.locator('#realism-results').textContent();
    await page.fill('input[type=number]', '1');
    await page.click('button:has-text("start")');
    await page.waitForSelector('#study-stage .pair img');
    expect(await page.locator('#study-stage .pair img').count()).toBe(2);
    await shot('realism');
    await page.waitForSelector('#choose-left', { timeout: 5000 });
    await page.click('#choose-left');
    await page.waitForSelector('#study-stage .big');
    await page.waitForFunction((prev) => document.querySelector('#realism-results')!.textContent !== prev, before);
    expect(await page.locator('#realism-results').textContent()).toMatch(/13/); // 12 seeded + 1 answer
  });
});

describe('security in the browser', () => {
  it('refuses a path-traversal request', async () => {
    const res = await page.goto(`${t.url}/api/runs/run-bicyclegan-s0/files/..%2F..%2Fworkbench.db`);
    expect(res!.status()).toBe(403);
  });

  it('refuses a wrong token and accepts the printed URL', async () => {
    const s = await startServer({ store: t.seeded.store, host: '127.0.0.1', port: 0, token: 'browser-token-123456', log: () => {} });
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    try {
      expect((await p.goto(`${s.url}/`))!.status()).toBe(401);
      expect((await p.goto(`${s.url}/?token=wrong-token-000`))!.status()).toBe(401);
      await p.goto(s.openUrl);
      await p.waitForSelector('body[data-ready="runs"]');
      expect(p.url()).not.toContain('token=');
      expect(await p.locator('table.runs tbody tr').count()).toBe(8);
    } finally {
      await ctx.close();
      await s.close();
    }
  });

  it('raised no page errors on any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
