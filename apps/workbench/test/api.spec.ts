// The JSON API against a real server on 127.0.0.1 and a real SQLite file seeded through the
// tracking API, with real PNG grids and a real (tiny) checkpoint in the run folders.
import { readFileSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMAT_DURATION_FILE } from '@workbench/text';
import { openStore, RUN_STATUSES } from '@workbench/tracking';
import { checkServeOptions, ServeConfigError } from '../src/server/index.js';
import { startTestDashboard, type TestDashboard } from './support/test-server.js';
import { XSS_NAME } from './support/seed-dashboard.js';
import { defined } from './support/defined.ts';

let t: TestDashboard;
const store = () => t.seeded.store;
const get = (p: string, init?: RequestInit) => fetch(`${t.url}${p}`, init);
const json = async (p: string) => {
  const res = await get(p);
  expect(res.status, `${p}: ${res.status}`).toBe(200);
  return res.json();
};
const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
  get(p, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const pngDims = async (dataUrl: string) => {
  expect(dataUrl.startsWith('data:image/png;base64,')).toBe(true);
  const meta = await sharp(Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64')).metadata();
  return [meta.width, meta.height];
};

beforeAll(async () => {
  t = await startTestDashboard();
});
afterAll(async () => {
  await t?.cleanup();
});

describe('runs', () => {
  it('lists every run with status, reason, metrics summary and page columns', async () => {
    const data = await json('/api/runs');
    expect(data.total).toBe(8);
    const byId = new Map(data.items.map((r: { id: string }) => [r.id, r]));
    expect((byId.get('run-failed') as { status: string; exitReason: string }).exitReason).toMatch(/NaN in loss_G_GAN/);
    expect((byId.get('run-crashed') as { status: string }).status).toBe('crashed');
    expect((byId.get('run-live') as { status: string }).status).toBe('running');
    const s0 = byId.get('run-bicyclegan-s0') as { metrics: Record<string, { last: number; min: number; max: number; step: number }>; evals: Record<string, { value: number }> };
    const lossD = defined(s0.metrics.loss_D, 'loss_D summary');
    expect(lossD.step).toBe(400);
    expect(lossD.min).toBeLessThanOrEqual(lossD.last);
    expect(lossD.max).toBeGreaterThan(lossD.last);
    expect(defined(s0.evals['diversity_lpips_v0.0'], 'diversity_lpips_v0.0 eval').value).toBeCloseTo(0.112, 6);
    expect(data.columns.config).toContain('model.nz');
    expect(data.columns.config).not.toContain('method');
    expect(data.facets.methods).toEqual(['bicyclegan', 'clr_gan', 'cvae_gan', 'pix2pix_noise']);
    expect(data.facets.statuses).toEqual([...RUN_STATUSES]); // the UI's status chips: the server's list, no copy
  });

  it('filters by status, method, config key and free text; paginates', async () => {
    expect((await json('/api/runs?status=failed,crashed')).items.map((r: { id: string }) => r.id).sort()).toEqual(['run-crashed', 'run-failed']);
    expect((await json('/api/runs?method=cvae_gan')).total).toBe(2);
    expect((await json('/api/runs?config=model.nz%3D16')).items.map((r: { id: string }) => r.id)).toEqual(['run-live']);
    expect((await json('/api/runs?config=train.lr%3E0.01')).items.map((r: { id: string }) => r.id)).toEqual(['run-failed']);
    expect((await json('/api/runs?q=baseline')).total).toBe(2); // tag text
    const page1 = await json('/api/runs?limit=3&offset=0&sort=name&order=asc');
    const page2 = await json('/api/runs?limit=3&offset=3&sort=name&order=asc');
    expect(page1.items).toHaveLength(3);
    expect(page1.total).toBe(8);
    const names = [...page1.items, ...page2.items].map((r: { name: string }) => r.name);
    expect(names).toEqual([...names].sort());
  });

  it('sorts by a metric and by a config key', async () => {
    const d = await json('/api/runs?sort=metric:loss_D&order=asc&method=bicyclegan,cvae_gan&sweep=sweep-quick');
    const lasts = d.items.map((r: { metrics: { loss_D: { last: number } } }) => r.metrics.loss_D.last);
    expect(lasts).toEqual([...lasts].sort((a: number, b: number) => a - b));
    const byNz = await json('/api/runs?sort=config:model.nz&order=desc&limit=1');
    expect(byNz.items[0].id).toBe('run-live');
  });

  it('exports the matching runs as CSV with every config key, metric and eval, formulas defused', async () => {
    const res = await get('/api/runs?sweep=sweep-quick&format=csv&sort=name&order=asc');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="runs.csv"/);
    const lines = (await res.text()).trim().split('\n');
    expect(lines).toHaveLength(5);
    const head = defined(lines[0], 'CSV header').split(',');
    expect(head.slice(0, 4)).toEqual(['id', 'name', 'method', 'status']);
    expect(head).toEqual(expect.arrayContaining(['model.nz', 'train.lr', 'loss_D (last)', 'diversity_lpips_v0.0']));
    const row = Object.fromEntries(head.map((h, i) => [h, defined(lines[1], 'CSV row 1').split(',')[i]]));
    expect(row.id).toBe('run-bicyclegan-s0');
    expect(Number(row['diversity_lpips_v0.0'])).toBeCloseTo(0.112, 9);
    const xss = await (await get('/api/runs?ids=run-xss&format=csv')).text();
    expect(xss).toContain('<img src=x onerror=window.__xss=1>'); // CSV is data; no formula prefix needed
    store().renameRun('run-xss', '=HYPERLINK("http://evil")');
    const formula = await (await get('/api/runs?ids=run-xss&format=csv')).text();
    expect(formula.split('\n')[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    store().renameRun('run-xss', XSS_NAME);
  });

  it('refuses bad queries with a 400 that names the problem', async () => {
    const bad = await get('/api/runs?status=exploded');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/unknown status "exploded"/);
    expect((await get('/api/runs?config=model.nz')).status).toBe(400);
    expect((await get('/api/runs?sort=evil;DROP')).status).toBe(400);
    expect((await get('/api/runs?limit=0')).status).toBe(400);
    // Config keys are validated; free text made to look like SQL is a bound LIKE pattern.
    expect((await get(`/api/runs?config=${encodeURIComponent("model.nz') OR 1=1 --=1")}`)).status).toBe(400);
    expect((await json(`/api/runs?q=${encodeURIComponent("' OR 1=1 --")}`)).total).toBe(0);
  });

  it('groups runs by config ignoring the seed with mean ± std (n)', async () => {
    const d = await json('/api/runs/groups?sweep=sweep-quick');
    expect(d.total).toBe(2);
    const bic = d.items.find((g: { method: string }) => g.method === 'bicyclegan');
    expect(bic.n).toBe(2);
    expect(bic.runs.map((r: { seed: number }) => r.seed).sort()).toEqual([0, 1]);
    expect(bic.evals['diversity_lpips_v0.0'].mean).toBeCloseTo(0.114, 9);
    expect(bic.evals['diversity_lpips_v0.0'].std).toBeCloseTo(Math.sqrt(((0.112 - 0.114) ** 2 + (0.116 - 0.114) ** 2) / 1), 9);
    const runs = await json('/api/runs?sweep=sweep-quick&method=bicyclegan');
    const lasts = runs.items.map((r: { metrics: { loss_D: { last: number } } }) => r.metrics.loss_D.last);
    expect(bic.metrics.loss_D.mean).toBeCloseTo((lasts[0] + lasts[1]) / 2, 9);
    expect(bic.metrics.loss_D.n).toBe(2);
  });

  it('sorts groups by size or by the mean of a metric or eval', async () => {
    const byLpips = await json('/api/runs/groups?sweep=sweep-quick&sort=eval:diversity_lpips_v0.0&order=desc');
    expect(byLpips.items.map((g: { method: string }) => g.method)).toEqual(['bicyclegan', 'cvae_gan']);
    const asc = await json('/api/runs/groups?sweep=sweep-quick&sort=eval:diversity_lpips_v0.0&order=asc');
    expect(asc.items.map((g: { method: string }) => g.method)).toEqual(['cvae_gan', 'bicyclegan']);
    const byLoss = await json('/api/runs/groups?sort=metric:loss_D&order=asc');
    const means = byLoss.items.map((g: { metrics: { loss_D?: { mean: number } } }) => g.metrics.loss_D?.mean ?? Infinity);
    expect(means).toEqual([...means].sort((a: number, b: number) => a - b)); // groups without loss_D last
    const bySize = await json('/api/runs/groups?sort=n&order=desc');
    expect(bySize.items[0].n).toBe(2);
    expect((await get('/api/runs/groups?sort=name')).status).toBe(400);
  });

  it('returns one run with evals, fooling rate and checkpoints', async () => {
    const d = await json('/api/runs/run-bicyclegan-s0');
    expect(d.run.command).toContain('npx workbench train');
    expect(d.run.config.model.nz).toBe(8);
    expect(d.evals.map((e: { metric: string }) => e.metric).sort()).toEqual(['diversity_l1', 'diversity_lpips_v0.0', 'mode_coverage', 'reconstruction_l1']);
    expect(d.foolingRate.n).toBeGreaterThanOrEqual(12);
    expect(d.foolingRate.low).toBeLessThan(d.foolingRate.rate);
    expect(d.checkpoints).toHaveLength(1);
    expect(d.checkpoints[0].step).toBe(400);
    expect(d.checkpoints[0].files.map((f: { name: string }) => f.name).sort()).toEqual(['E.safetensors', 'G.safetensors', 'state.json']);
    expect((await get('/api/runs/nope')).status).toBe(404);
  });

  it('edits name, tags and notes (validated, JSON only) and tails train.log', async () => {
    const patch = (body: unknown, type = 'application/json') => get('/api/runs/run-cvae_gan-s1', { method: 'PATCH', body: JSON.stringify(body), headers: { 'content-type': type } });
    const ok = await patch({ name: 'cvae best', tags: ['keep', ' keep ', 'paper'], notes: 'use for Fig. 3' });
    expect(ok.status).toBe(200);
    const { run } = await ok.json();
    expect(run.name).toBe('cvae best');
    expect(run.tags).toEqual(['keep', 'paper']);
    expect(run.notes).toBe('use for Fig. 3');
    expect((await patch({ tags: 'keep' })).status).toBe(400);
    expect((await patch({ name: 'x'.repeat(201) })).status).toBe(400);
    expect((await patch({ name: 'x' }, 'text/plain')).status).toBe(415);
    expect((await json('/api/runs?tag=paper')).items.map((r: { id: string }) => r.id)).toEqual(['run-cvae_gan-s1']);
    const log = await json('/api/runs/run-cvae_gan-s1/log?tail=5');
    expect(log.exists).toBe(true);
    expect(log.lines).toHaveLength(5);
    expect(log.lines[4]).toMatch(/^step 1495 loss_G_L1 /);
    expect((await json('/api/runs/run-live/log')).exists).toBe(false);
  });

  it('downsamples long series on the server and keeps the envelope', async () => {
    const full = await json('/api/runs/run-bicyclegan-s0/metrics?keys=loss_D&points=5000');
    const small = await json('/api/runs/run-bicyclegan-s0/metrics?keys=loss_D&points=20');
    expect(full.series[0].total).toBe(81);
    expect(full.series[0].steps).toHaveLength(81);
    expect(small.series[0].downsampled).toBe(true);
    expect(small.series[0].steps.length).toBeLessThanOrEqual(20);
    expect(Math.max(...small.series[0].values)).toBe(Math.max(...full.series[0].values));
    expect(Math.min(...small.series[0].values)).toBe(Math.min(...full.series[0].values));
    // NaN (the failed run) travels as null, not as invalid JSON.
    const failed = await json('/api/runs/run-failed/metrics');
    expect(failed.series[0].values).toEqual([1.1, 7.5, null]);
  });

  it('lists image grids and serves them as PNG', async () => {
    const d = await json('/api/runs/run-cvae_gan-s1/images');
    expect(d.images.map((i: { step: number }) => i.step)).toEqual([100, 200, 300, 400]);
    const res = await get(d.images[0].url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(5 * 64);
  });
});

describe('files stay inside run folders', () => {
  it('refuses .., absolute paths, encoded traversal and symlink escapes', async () => {
    const base = '/api/runs/run-bicyclegan-s0/files';
    for (const p of ['..%2F..%2Fworkbench.db', '%2e%2e/%2e%2e/workbench.db', 'images/..%2F..%2F..%2Fworkbench.db', '%2Fetc%2Fpasswd', '..%5C..%5Cworkbench.db', 'images%00.png']) {
      const res = await get(`${base}/${p}`);
      // (URL parsing turns %2e%2e into .. first: `workbench.db` then lands as a run id, a 400.)
      expect([400, 403, 404], `${p} → ${res.status}`).toContain(res.status);
      expect(res.status).not.toBe(200);
    }
    expect((await get(`${base}/..%2F..%2Fworkbench.db`)).status).toBe(403);
    // Raw ../ is normalised by URL parsing before it reaches the route: never the database.
    const raw = await get(`${base}/../../../workbench.db`);
    expect(raw.status).toBe(404);
    const runDir = path.join(t.seeded.dir, 'runs', 'run-bicyclegan-s0');
    symlinkSync(path.join(t.seeded.dir, 'workbench.db'), path.join(runDir, 'escape.db'));
    const viaLink = await get(`${base}/escape.db`);
    expect(viaLink.status).toBe(403);
    expect((await get(`${base}/images/missing.png`)).status).toBe(404);
    expect((await get(`${base}/images/step-0000100.png`)).status).toBe(200);
  });
});

describe('compare', () => {
  const ids = 'run-bicyclegan-s0,run-bicyclegan-s1,run-cvae_gan-s0,run-cvae_gan-s1';

  it('shows only the config keys that differ', async () => {
    const d = await json(`/api/compare?ids=${ids}`);
    const keys = d.diff.map((x: { key: string }) => x.key);
    expect(keys).toContain('method');
    expect(keys).toContain('seed');
    expect(keys).not.toContain('model.nz');
    expect(d.diff.find((x: { key: string }) => x.key === 'seed').values).toEqual([0, 1, 0, 1]);
    expect(d.groups).toHaveLength(2);
    expect((await get('/api/compare?ids=')).status).toBe(400);
  });

  it('overlays series and builds mean bands with 95 % CIs over seeds', async () => {
    const m = await json(`/api/compare/metrics?ids=${ids}&keys=loss_D`);
    expect(m.series.loss_D).toHaveLength(4);
    const b = await json(`/api/compare/bands?ids=${ids}&keys=loss_D&points=1000`);
    const bic = b.bands.loss_D.find((g: { label: string }) => g.label.startsWith('bicyclegan'));
    expect(bic.runs).toBe(2);
    const s0 = m.series.loss_D.find((s: { runId: string }) => s.runId === 'run-bicyclegan-s0');
    const s1 = m.series.loss_D.find((s: { runId: string }) => s.runId === 'run-bicyclegan-s1');
    const i = bic.steps.indexOf(200);
    expect(i).toBeGreaterThan(-1);
    const a = s0.values[s0.steps.indexOf(200)];
    const c = s1.values[s1.steps.indexOf(200)];
    expect(bic.mean[i]).toBeCloseTo((a + c) / 2, 9);
    expect(bic.std[i]).toBeCloseTo(Math.abs(a - c) / Math.SQRT2, 9);
    // t(0.975, 1) = 12.7062…: the 95 % CI of a mean of two seeds is wide
    expect(bic.half[i]).toBeCloseTo((12.706204736174693 * Math.abs(a - c)) / Math.SQRT2 / Math.SQRT2, 9);
    expect(bic.n[i]).toBe(2);
  });
});

describe('sweeps and tables', () => {
  it('lists sweeps with job counts and shows the job grid', async () => {
    const list = await json('/api/sweeps');
    expect(list.sweeps[0].id).toBe('sweep-quick');
    expect(list.sweeps[0].counts).toEqual({ finished: 4 });
    const s = await json('/api/sweeps/sweep-quick');
    expect(s.jobs).toHaveLength(4);
    expect(s.jobs.every((j: { runId: string }) => j.runId)).toBe(true);
  });

  it('builds the paper tables with mean, 95 % CI and n over seeds, Welch-tested against the first row, and the fooling rate with a CI', async () => {
    const d = await json('/api/sweeps/sweep-quick/tables');
    const table = d.tables.find((x: { id: string }) => x.id === 'methods');
    expect(table.rowHeader).toEqual(['method']);
    const bic = table.rows.find((r: { labels: string[] }) => r.labels[0] === 'BicycleGAN');
    expect(bic.cells['diversity_lpips_v0.0'].mean).toBeCloseTo(0.114, 9);
    expect(bic.cells['diversity_lpips_v0.0'].n).toBe(2);
    // 0.112, 0.116: half-width t(0.975, 1) · 0.002 = 0.0254; vs cVAE-GAN (0.095, 0.099): t = 6.01, df = 2, p = 0.027
    expect(bic.cells['diversity_lpips_v0.0'].text).toBe('0.1140 [0.0886, 0.1394] (2) *');
    expect(bic.cells['diversity_lpips_v0.0'].lo).toBeCloseTo(0.114 - 12.706204736174693 * 0.002, 9);
    expect(bic.cells['diversity_lpips_v0.0'].p).toBeCloseTo(0.02658, 4);
    expect(bic.cells['diversity_lpips_v0.0'].evalSe).toBeCloseTo(0.003, 12);
    expect(table.rows[0].marks).toEqual(['reference']);
    expect(table.caption).toContain("Welch's t-test");
    // another reference row on request: BicycleGAN is then the untested one
    const other = (await json('/api/sweeps/sweep-quick/tables?reference=BicycleGAN')).tables.find((x: { id: string }) => x.id === 'methods');
    const bic2 = other.rows.find((r: { labels: string[] }) => r.labels[0] === 'BicycleGAN');
    expect(bic2.marks).toEqual(['reference']);
    expect(bic2.cells['diversity_lpips_v0.0'].p).toBeUndefined();
    const fool = bic.cells.fooling_rate;
    expect(fool.n).toBe(2);
    expect(fool.mean).toBeCloseTo(100 / 3, 9); // 4 of 12 fooled in each seed
    expect(fool.low).toBeLessThan(fool.mean);
    expect(fool.high).toBeGreaterThan(fool.mean);
    expect(fool.text).toMatch(/95% CI \[\d+\.\d, \d+\.\d\] of 24$/);
  });

  it('downloads CSV, Markdown and LaTeX as `workbench table` prints them', async () => {
    const csv = await get('/api/sweeps/sweep-quick/tables?format=csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="sweep-quick-tables.csv"/);
    const csvText = await csv.text();
    expect(csvText.split('\n')[0]).toBe('table,row,metric,mean,std,n,ci95_lo,ci95_hi,eval_se,reference_row,welch_p,significant,not_converged,run_ids');
    expect(csvText).toMatch(/methods,method=bicyclegan,diversity_lpips_v0\.0,0\.114/);
    const md = await (await get('/api/sweeps/sweep-quick/tables?format=md')).text();
    expect(md).toMatch(/\| BicycleGAN \| 0\.1140 \[0\.0886, 0\.1394\] \(2\) \* \|/);
    const tex = await (await get('/api/sweeps/sweep-quick/tables?format=latex')).text();
    expect(tex).toContain('\\begin{tabular}');
    expect(tex).toContain('$0.1140$ {\\scriptsize [0.0886, 0.1394] (2)}$^{*}$');
    expect((await get('/api/sweeps/sweep-quick/tables?format=xlsx')).status).toBe(400);
  });
});

describe('latent explorer (runs the real generator of a checkpoint)', () => {
  it('lists explorable runs and describes one', async () => {
    const list = await json('/api/explorer');
    expect(list.runs.map((r: { id: string }) => r.id)).toEqual(['run-bicyclegan-s0']);
    const info = await json('/api/explorer/run-bicyclegan-s0');
    expect(info).toMatchObject({ available: true, nz: 8, cropSize: 32, inputs: 8, checkpointStep: 400, encoder: true });
    const none = await json('/api/explorer/run-cvae_gan-s0');
    expect(none.available).toBe(false);
    expect(none.reason).toMatch(/no checkpoint yet/);
  });

  it('generates G(A, z) for several z, and different z give different images', async () => {
    const z = (v: number) => Array.from({ length: 8 }, (_, i) => v * (i % 2 ? 1 : -1));
    const res = await post('/api/explorer/run-bicyclegan-s0/generate', { input: 2, z: [z(0), z(2), z(-2)] });
    expect(res.status).toBe(200);
    const { images } = await res.json();
    expect(images).toHaveLength(3);
    expect(await pngDims(images[0])).toEqual([32, 32]);
    expect(images[1]).not.toBe(images[2]);
    const again = await (await post('/api/explorer/run-bicyclegan-s0/generate', { input: 2, z: [z(2)] })).json();
    expect(again.images[0]).toBe(images[1]); // eval mode: deterministic
    const input = await get('/api/explorer/run-bicyclegan-s0/inputs/2?side=B');
    expect(input.headers.get('content-type')).toMatch(/image\/png/);
  });

  it('draws z from a seed on the server: the same seed gives the same z and images, the z it used come back', async () => {
    const draw = async (seed: number) => (await (await post('/api/explorer/run-bicyclegan-s0/generate', { input: 1, seed, n: 3 })).json()) as { images: string[]; z: number[][] };
    const a = await draw(5);
    expect(a.z).toHaveLength(3);
    for (const z of a.z) expect(z).toHaveLength(8);
    expect(await draw(5)).toEqual(a);
    expect((await draw(6)).z[0]).not.toEqual(a.z[0]);
    // The images are G(A, z) of the z returned: the same as sending those z.
    const byZ = (await (await post('/api/explorer/run-bicyclegan-s0/generate', { input: 1, z: a.z })).json()) as { images: string[] };
    expect(byZ.images).toEqual(a.images);
    const bad = await post('/api/explorer/run-bicyclegan-s0/generate', { input: 1, seed: -1, n: 3 });
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([400, 'seed must be a whole number >= 0']);
    expect((await post('/api/explorer/run-bicyclegan-s0/generate', { input: 1, seed: 1, n: 65 })).status).toBe(400);
  });

  it('validates z and input', async () => {
    expect((await post('/api/explorer/run-bicyclegan-s0/generate', { input: 0, z: [[1, 2, 3]] })).status).toBe(400);
    expect((await post('/api/explorer/run-bicyclegan-s0/generate', { input: 99, z: [new Array(8).fill(0)] })).status).toBe(400);
    expect((await post('/api/explorer/run-bicyclegan-s0/generate', { input: 0, z: [new Array(8).fill('x')] })).status).toBe(400);
  });

  it('encodes an uploaded PNG or JPEG to z; refuses other bytes and oversized uploads', async () => {
    const png = await sharp({ create: { width: 48, height: 40, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
    const res = await get('/api/explorer/run-bicyclegan-s0/encode', { method: 'POST', body: new Uint8Array(png), headers: { 'content-type': 'image/png' } });
    expect(res.status).toBe(200);
    const enc = await res.json();
    expect(enc.z).toHaveLength(8);
    expect(enc.z.every((v: number) => Number.isFinite(v))).toBe(true);
    const jpg = await sharp(png).jpeg().toBuffer();
    expect((await get('/api/explorer/run-bicyclegan-s0/encode', { method: 'POST', body: new Uint8Array(jpg), headers: { 'content-type': 'image/jpeg' } })).status).toBe(200);
    // An HTML file claiming to be a PNG.
    const fake = await get('/api/explorer/run-bicyclegan-s0/encode', { method: 'POST', body: '<html><script>alert(1)</script></html>', headers: { 'content-type': 'image/png' } });
    expect(fake.status).toBe(415);
    const huge = Buffer.alloc(6 * 1024 * 1024, 1);
    const big = await get('/api/explorer/run-bicyclegan-s0/encode', { method: 'POST', body: new Uint8Array(huge), headers: { 'content-type': 'image/png' } });
    expect(big.status).toBe(413);
    // A truncated PNG: right magic bytes, undecodable body.
    const broken = await get('/api/explorer/run-bicyclegan-s0/encode', { method: 'POST', body: new Uint8Array(png.subarray(0, 40)), headers: { 'content-type': 'image/png' } });
    expect(broken.status).toBe(400);
  });
});

describe('realism study', () => {
  it('serves a real/generated pair and stores judgments with the fooling rate', async () => {
    const pair = await json('/api/realism/run-bicyclegan-s0/pair');
    expect(await pngDims(pair.real.url)).toEqual([32, 32]);
    expect(await pngDims(pair.fake.url)).toEqual([32, 32]);
    expect(pair.real.ref).toMatch(/^test:\d+:B$/);
    const before = (await json('/api/realism/summary?ids=run-bicyclegan-s0')).rates[0];
    // The pair was served for run-bicyclegan-s0: its signature does not cover another run.
    const wrongRun = await post('/api/realism/judgments', { runId: 'run-cvae_gan-s0', realRef: pair.real.ref, fakeRef: pair.fake.ref, sig: pair.sig, chosen: 'fake' });
    expect(wrongRun.status).toBe(400);
    expect((await wrongRun.json()).error).toMatch(/unknown pair/);
    expect((await get('/api/realism/run-cvae_gan-s0/pair')).status).toBe(400); // no checkpoint: no pairs
    const res = await post('/api/realism/judgments', { runId: 'run-bicyclegan-s0', realRef: pair.real.ref, fakeRef: pair.fake.ref, sig: pair.sig, chosen: 'fake', shownMs: 1000, responseMs: 800, realSide: 'left', key: 'session-1-0' });
    expect(res.status).toBe(201);
    const after = (await res.json()).foolingRate;
    expect(after.n).toBe(before.n + 1);
    expect(after.fooled).toBe(before.fooled + 1);
    // Resubmitting the same key is a no-op.
    await post('/api/realism/judgments', { runId: 'run-bicyclegan-s0', realRef: pair.real.ref, fakeRef: pair.fake.ref, sig: pair.sig, chosen: 'fake', key: 'session-1-0' });
    expect((await json('/api/realism/summary?ids=run-bicyclegan-s0')).rates[0].n).toBe(before.n + 1);
    // Refs that were never served are refused.
    expect((await post('/api/realism/judgments', { runId: 'run-bicyclegan-s0', realRef: 'a', fakeRef: 'b', sig: pair.sig, chosen: 'fake' })).status).toBe(400);
  });

  it('validates judgments and refuses cross-site or non-JSON writes', async () => {
    expect((await post('/api/realism/judgments', { runId: 'run-cvae_gan-s0', realRef: 'a', fakeRef: 'b', chosen: 'maybe' })).status).toBe(400);
    expect((await post('/api/realism/judgments', { runId: 'nope', realRef: 'a', fakeRef: 'b', chosen: 'real' })).status).toBe(404);
    const form = await get('/api/realism/judgments', { method: 'POST', body: 'runId=run-cvae_gan-s0&chosen=real', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
    const cross = await post('/api/realism/judgments', { runId: 'run-cvae_gan-s0', realRef: 'a', fakeRef: 'b', chosen: 'real' }, { origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
  });
});

describe('live updates', () => {
  it('pushes a change event naming the run when another process logs metrics', async () => {
    const controller = new AbortController();
    const res = await get('/api/events', { signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const waitFor = async (pattern: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(text) && Date.now() < deadline) {
        const timeout = new Promise<{ done: true; value: undefined }>((r) => setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()));
        const { value, done } = await Promise.race([reader.read(), timeout]);
        if (done) break;
        text += decoder.decode(value);
      }
      return pattern.test(text);
    };
    expect(await waitFor(/event: hello/)).toBe(true);
    // Another connection (as a trainer process would be).
    const writer = openStore(t.seeded.dbPath);
    writer.logMetrics('run-live', [{ key: 'loss_D', step: 150, value: 0.3 }]);
    writer.heartbeat('run-live');
    writer.close();
    expect(await waitFor(/event: change\ndata: .*"runIds":\[[^\]]*"run-live"/)).toBe(true);
    controller.abort();
  });
});

describe('security', () => {
  it('sends a strict CSP and refuses non-loopback Host headers without a token', async () => {
    const res = await get('/api/health');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // fetch() cannot forge Host; a raw request can (as a DNS-rebinding page effectively does).
    const status = await new Promise<number>((resolve, reject) => {
      const u = new URL(t.url);
      http.get({ host: u.hostname, port: u.port, path: '/api/health', headers: { host: 'evil.example:7860' } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(status).toBe(403);
  });

  it('refuses to bind a non-loopback address without a token', () => {
    expect(() => checkServeOptions('0.0.0.0', undefined)).toThrow(ServeConfigError);
    expect(() => checkServeOptions('0.0.0.0', undefined)).toThrow(/serve\.token/);
    expect(() => checkServeOptions('0.0.0.0', 'short')).toThrow(/too short/);
    expect(() => checkServeOptions('0.0.0.0', 'a-long-enough-token')).not.toThrow();
    expect(() => checkServeOptions('127.0.0.1', undefined)).not.toThrow();
  });

  it('checks the token on every request: header, cookie from ?token=, wrong token refused', async () => {
    const token = 'test-token-0123456789';
    const { startServer } = await import('../src/server/index.js');
    const s = await startServer({ store: t.seeded.store, host: '127.0.0.1', port: 0, token, log: () => {} });
    try {
      expect((await fetch(`${s.url}/api/health`)).status).toBe(401);
      expect((await fetch(`${s.url}/`)).status).toBe(401);
      expect((await fetch(`${s.url}/api/health`, { headers: { authorization: 'Bearer wrong-token-000' } })).status).toBe(401);
      expect((await fetch(`${s.url}/api/runs/run-bicyclegan-s0/files/images/step-0000100.png`)).status).toBe(401);
      expect((await fetch(`${s.url}/api/health`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(`${s.url}/?token=wrong-token-000`, { redirect: 'manual' })).status).toBe(401);
      const login = await fetch(`${s.url}/?token=${token}`, { redirect: 'manual' });
      expect(login.status).toBe(303);
      expect(login.headers.get('location')).toBe('/');
      const cookie = login.headers.get('set-cookie')!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const withCookie = await fetch(`${s.url}/api/health`, { headers: { cookie: defined(cookie.split(';')[0], 'cookie pair') } });
      expect(withCookie.status).toBe(200);
      expect(s.openUrl).toBe(`${s.url}/?token=${token}`);
    } finally {
      await s.close();
    }
  });

  it('never interprets run names as HTML in JSON (they are data, escaped by the UI)', async () => {
    const d = await json('/api/runs/run-xss');
    expect(d.run.name).toBe(XSS_NAME);
    const page = await (await get('/')).text();
    expect(page).not.toContain(XSS_NAME);
  });
});

describe('serving the UI', () => {
  it('serves index.html, the ES modules, the chart.js builds from node_modules and the shared duration format', async () => {
    const index = await get('/');
    expect(index.headers.get('content-type')).toMatch(/text\/html/);
    expect(await index.text()).toContain('/vendor/chart.umd.min.js');
    for (const p of ['/app.js', '/pages/runs.js', '/vendor/chart.umd.min.js', '/vendor/chartjs-plugin-zoom.min.js', '/vendor/hammer.min.js', '/vendor/format-duration.js']) {
      const res = await get(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type'), p).toMatch(/javascript/);
    }
    // The dashboard formats durations with the very file the CLI imports (@workbench/text).
    expect(await (await get('/vendor/format-duration.js')).text()).toBe(readFileSync(FORMAT_DURATION_FILE, 'utf8'));
    expect((await get('/vendor/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await get('/api/nope')).status).toBe(404);
  });
});

