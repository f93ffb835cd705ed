// The sweep and comparison views in headless Chromium (playwright-core, /usr/bin/chromium) against
// a real server and a real SQLite file: parallel coordinates with brushing, the scatter view,
// grouping by chosen keys with 95 % intervals, runs-table defaults, the compare page's run colours
// and eval table, the run page's full-size eval grid, and the explorer without an encoder.
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inkedPixels, launchPage, openHash } from './support/browser-page.js';
import { startTestDashboard, type TestDashboard } from './support/test-server.js';
import { defined } from './support/defined.ts';

let t: TestDashboard;
let browser: Browser;
let page: Page;
let pageErrors: string[];

const open = (hash: string, ready: string) => openHash(page, t.url, hash, ready);

beforeAll(async () => {
  t = await startTestDashboard();
  ({ browser, page, pageErrors } = await launchPage());
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
    expect(defined(ds[0], 'first scatter dataset').xs.sort()).toEqual([0.112, 0.116]);
    expect(await inkedPixels(page, '#hp-scatter')).toBeGreaterThan(300);
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

describe('runs table defaults and grouping', () => {
  it('shows only the config keys that vary and the paper metrics under the tables\' names', async () => {
    await open('#/runs?sweep=sweep-quick', 'runs');
    const heads = await page.locator('table.runs thead th').allTextContents();
    // In the sweep only method and seed vary: no model.nz (the same for all four), no default set.
    expect(heads).not.toContain('model.nz');
    expect(heads).toContain('seed');
    expect(heads).toEqual(expect.arrayContaining(['LPIPS v0.0 diversity', 'mode coverage', 'reconstruction L1']));
    expect(heads).not.toContain('diversity_lpips_v0.0');
  });

  it('groups by chosen keys with mean, 95 % interval and n', async () => {
    await open('#/runs?group=1&by=method', 'runs');
    const rows = page.locator('table.groups tbody tr');
    expect(await rows.count()).toBe(4); // bicyclegan (s0, s1, live, xss), cvae_gan, clr_gan, pix2pix_noise
    const bic = page.locator('table.groups tbody tr[data-group-key="method=bicyclegan"]');
    expect(await bic.locator('td').nth(2).textContent()).toBe('4');
    // LPIPS over the two evaluated bicyclegan runs (0.112, 0.116): mean 0.114, t(0.975, 1) = 12.706.
    const half = 12.706 * (Math.sqrt(((0.112 - 0.114) ** 2 + (0.116 - 0.114) ** 2) / 1) / Math.sqrt(2));
    const text = await bic.locator('td[data-eval="diversity_lpips_v0.0"]').textContent();
    const m = /^([\d.]+) \[([-\d.]+), ([-\d.]+)\] \(n=2\)$/.exec(text!);
    expect(m, text!).not.toBeNull();
    expect(Number(m![1])).toBeCloseTo(0.114, 6);
    expect(Number(m![2])).toBeCloseTo(0.114 - half, 3);
    expect(Number(m![3])).toBeCloseTo(0.114 + half, 3);
    // The group links to its runs through a config filter.
    await bic.locator('a:has-text("4 runs")').click();
    await page.waitForSelector('body[data-ready="runs"] table.runs');
    expect(await page.locator('table.runs tbody tr').count()).toBe(4);
  });
});

describe('compare page', () => {
  it('gives each run one colour in every chart, header and caption, and lists eval results side by side', async () => {
    await open('#/compare?ids=run-bicyclegan-s0,run-cvae_gan-s0,run-live', 'compare');
    await page.waitForSelector('#compare-curves canvas');
    const swatches = await page.locator('table.diff thead th[data-run-id]').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.runId, (e.querySelector('.swatch') as HTMLElement).dataset.color]));
    expect(swatches.map(([id]) => id)).toEqual(['run-bicyclegan-s0', 'run-cvae_gan-s0', 'run-live']);
    expect(new Set(swatches.map(([, c]) => c)).size).toBe(3);
    // loss_z_L1 is not logged by cvae_gan: the live run must keep its colour there too.
    const byChart = await page.$$eval('#compare-curves canvas', (cs) => cs.map((c) => (c as unknown as { __chart: { options: { plugins: { title: { text: string } } }; data: { datasets: Array<{ label: string; borderColor: string }> } } }).__chart).map((ch) => ({ title: ch.options.plugins.title.text, sets: ch.data.datasets.filter((d) => !d.label.startsWith('_')).map((d) => [d.label, d.borderColor]) })));
    const labelColour = new Map<string, string>();
    for (const chart of byChart) for (const [label, colour] of chart.sets) {
      const name = defined(label, `${chart.title}: a dataset label`);
      if (labelColour.has(name)) expect(colour, `${chart.title}: ${name}`).toBe(labelColour.get(name));
      labelColour.set(name, defined(colour, `${chart.title}: ${name}'s colour`));
    }
    const zChart = byChart.find((c) => c.title === 'loss_z_L1')!;
    expect(zChart.sets).toHaveLength(2);
    expect(zChart.sets.map(([, c]) => c)).toEqual([swatches[0]?.[1], swatches[2]?.[1]]);
    // Eval results: rows named as in the tables, the better value in bold.
    const evalRows = await page.locator('table.compare-evals tbody tr').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.metric));
    expect(evalRows.slice(0, 3)).toEqual(['diversity_lpips_v0.0', 'mode_coverage', 'reconstruction_l1']);
    const recon = page.locator('table.compare-evals tr[data-metric="reconstruction_l1"] td');
    expect(await recon.first().textContent()).toBe('reconstruction L1 ↓');
    expect(await recon.nth(2).getAttribute('class')).toContain('best'); // cvae_gan 0.048 < 0.061
    expect(await recon.nth(3).textContent()).toBe('—'); // the live run is not evaluated
  });
});

describe('run page image grids', () => {
  it('opens the 20-sample eval grid by default at full size, pixel-sharp, scrolling sideways', async () => {
    const runId = 'run-bicyclegan-s1';
    const rel = 'images/eval-step-0000400.png';
    const dir = path.join(t.seeded.dir, 'runs', runId);
    mkdirSync(path.join(dir, 'images'), { recursive: true });
    // A 1540 x 700 grid, the size `workbench eval` writes for 20 samples of 32 px inputs at 2x.
    const raw = Buffer.alloc(1540 * 700 * 3);
    for (let i = 0; i < raw.length; i += 3) raw[i] = (i / 3) % 1540 < 770 ? 250 : 20;
    writeFileSync(path.join(dir, rel), await sharp(raw, { raw: { width: 1540, height: 700, channels: 3 } }).png().toBuffer());
    t.seeded.store.addArtifact(runId, { kind: 'eval_grid', step: 400, path: rel });
    await open(`#/run/${runId}`, 'run');
    await page.waitForSelector('#images img.grid');
    expect(await page.locator('#images select').inputValue()).toBe('eval_grid');
    await page.waitForFunction(() => (document.querySelector('#images img.grid') as HTMLImageElement).complete);
    const img = await page.$eval('#images img.grid', (el) => {
      const i = el as HTMLImageElement;
      const panel = i.closest('.images') as HTMLElement;
      return { width: i.clientWidth, natural: i.naturalWidth, rendering: getComputedStyle(i).imageRendering, panelScroll: panel.scrollWidth > panel.clientWidth, overflow: getComputedStyle(panel).overflowX };
    });
    expect(img.natural).toBe(1540);
    expect(img.width).toBe(1540);
    expect(img.rendering).toBe('pixelated');
    expect(img.overflow).toBe('auto');
    expect(img.panelScroll).toBe(true);
  });
});

describe('latent explorer', () => {
  it('offers no guide-image upload for a run without an encoder and shows whole run names', async () => {
    // A pix2pix+noise run: the checkpoint of the seeded run without E.
    const src = path.join(t.seeded.dir, 'runs', t.seeded.checkpointRunId);
    const id = 'run-pix2pix-noise-ckpt';
    const dst = path.join(t.seeded.dir, 'runs', id);
    cpSync(path.join(src, 'checkpoints'), path.join(dst, 'checkpoints'), { recursive: true });
    for (const d of readdirSync(path.join(dst, 'checkpoints'))) rmSync(path.join(dst, 'checkpoints', d, 'E.safetensors'));
    const base = t.seeded.store.getRun(t.seeded.checkpointRunId)!;
    const longName = 'pix2pix_noise_without_encoder_a_rather_long_descriptive_run_name_s0';
    t.seeded.store.createRun({ id, name: longName, method: 'pix2pix_noise', config: { ...base.config, method: 'pix2pix_noise', name: longName }, runDir: `runs/${id}` });
    t.seeded.store.finishRun(id, 'finished');

    await open(`#/explorer?run=${t.seeded.checkpointRunId}`, 'explorer');
    await page.waitForSelector('#explorer-upload');
    await open(`#/explorer?run=${id}`, 'explorer');
    await page.waitForFunction(() => /no encoder/.test(document.querySelector('#explorer-guide')!.textContent ?? ''));
    expect(await page.locator('#explorer-upload').count()).toBe(0);
    // The menu is as wide as its longest entry: no name is cut.
    const fit = await page.$eval('#explorer-run', (el) => {
      const sel = el as HTMLSelectElement;
      const ctx2d = document.createElement('canvas').getContext('2d')!;
      ctx2d.font = getComputedStyle(sel).font;
      const longest = Math.max(...Array.from(sel.options, (o) => ctx2d.measureText(o.text).width));
      return { longest, width: sel.clientWidth };
    });
    expect(fit.width).toBeGreaterThan(fit.longest);
  });
});

describe('no page errors', () => {
  it('ran every page above without an uncaught exception', () => {
    expect(pageErrors).toEqual([]);
  });
});
