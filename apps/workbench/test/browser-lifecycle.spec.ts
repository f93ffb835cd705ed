// Run lifecycle in headless Chromium against a real server and SQLite file: bulk tags, archive,
// restore and delete from the runs table and the run page, archiving a sweep, and the realism
// study's practice trials and per-run / per-participant answer deletion.
import type { Browser, Dialog, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPage, openHash } from './support/browser-page.js';
import { startTestDashboard, type TestDashboard } from './support/test-server.js';

let t: TestDashboard;
let browser: Browser;
let page: Page;
let pageErrors: string[];
const dialogs: string[] = [];

const open = (hash: string, ready: string) => openHash(page, t.url, hash, ready);

/** Tick runs in the runs table. */
async function tick(...ids: string[]): Promise<void> {
  for (const id of ids) await page.locator(`tr[data-run-id="${id}"] input[type=checkbox]`).check();
}

async function tableIds(): Promise<string[]> {
  return (await page.locator('table.runs tbody tr').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.runId!))).sort();
}

beforeAll(async () => {
  t = await startTestDashboard();
  ({ browser, page, pageErrors } = await launchPage());
  // Destructive actions ask first: accept, and remember what was asked.
  page.on('dialog', (d: Dialog) => {
    dialogs.push(d.message());
    void d.accept();
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.cleanup();
});

describe('runs table bulk actions', () => {
  it('tags and untags the ticked runs', async () => {
    await open('#/runs', 'runs');
    expect(await page.locator('#bulk-actions').isHidden()).toBe(true);
    await tick('run-bicyclegan-s0', 'run-cvae_gan-s1');
    expect(await page.locator('#bulk-actions').isVisible()).toBe(true);
    await page.fill('#bulk-tag', 'figure-2');
    await page.click('#bulk-tag-add');
    await page.waitForFunction(() => /tagged 2 runs/.test(document.querySelector('#bulk-msg')!.textContent ?? ''));
    expect(t.seeded.store.getRun('run-bicyclegan-s0')!.tags).toContain('figure-2');
    expect(t.seeded.store.getRun('run-cvae_gan-s1')!.tags).toContain('figure-2');
    expect(t.seeded.store.getRun('run-bicyclegan-s1')!.tags).not.toContain('figure-2');
    expect(await page.locator('tr[data-run-id="run-cvae_gan-s1"] .tag').allTextContents()).toContain('figure-2');
    await page.click('#bulk-tag-remove');
    await page.waitForFunction(() => /untagged 2 runs/.test(document.querySelector('#bulk-msg')!.textContent ?? ''));
    expect(t.seeded.store.getRun('run-bicyclegan-s0')!.tags).not.toContain('figure-2');
  });

  it('archives the ticked runs out of the table, lists them under "archived" and restores them', async () => {
    await page.click('button:has-text("clear selection")');
    await tick('run-failed', 'run-crashed');
    await page.click('#bulk-archive');
    await page.waitForFunction(() => document.querySelectorAll('table.runs tbody tr').length === 6);
    expect(await tableIds()).not.toContain('run-failed');
    await page.click('#archived-toggle');
    await page.waitForFunction(() => document.querySelectorAll('table.runs tbody tr').length === 2);
    expect(await tableIds()).toEqual(['run-crashed', 'run-failed']);
    expect(await page.locator('tr[data-run-id="run-failed"] .tag.archived').count()).toBe(1);
    await tick('run-failed');
    await page.click('#bulk-restore');
    await page.waitForFunction(() => document.querySelectorAll('table.runs tbody tr').length === 1);
    expect(t.seeded.store.getRun('run-failed')!.archivedAt).toBeNull();
    expect(t.seeded.store.getRun('run-crashed')!.archivedAt).not.toBeNull();
    await page.click('#archived-toggle');
  });

  it('deletes the ticked runs after asking', async () => {
    await page.waitForFunction(() => document.querySelectorAll('table.runs tbody tr').length === 7);
    await tick('run-xss');
    await page.click('#bulk-delete');
    await page.waitForFunction(() => /deleted 1 runs/.test(document.querySelector('#bulk-msg')!.textContent ?? ''));
    expect(dialogs.at(-1)).toMatch(/^Delete 1 runs/);
    expect(t.seeded.store.getRun('run-xss')).toBeUndefined();
    expect(await tableIds()).not.toContain('run-xss');
  });
});

describe('run page', () => {
  it('archives, restores and deletes the run', async () => {
    await open('#/run/run-live', 'run');
    await page.click('#run-archive');
    await page.waitForSelector('#run-restore');
    expect(t.seeded.store.getRun('run-live')!.archivedAt).not.toBeNull();
    await page.click('#run-restore');
    await page.waitForSelector('#run-archive');
    expect(t.seeded.store.getRun('run-live')!.archivedAt).toBeNull();
    await page.click('#run-delete');
    await page.waitForSelector('body[data-ready="runs"]');
    expect(dialogs.at(-1)).toMatch(/^Delete run live_bicyclegan_nz16/);
    expect(t.seeded.store.getRun('run-live')).toBeUndefined();
  });
});

describe('sweeps page', () => {
  it('archives a sweep (and its runs) and restores it', async () => {
    await open('#/sweeps', 'sweeps');
    await page.click('tr[data-sweep-id="sweep-quick"] button[data-action="archive"]');
    await page.waitForSelector('text=No sweeps yet');
    expect(t.seeded.store.listRuns({ sweepId: 'sweep-quick', archived: true }).total).toBe(4);
    await page.click('#sweeps-archived');
    await page.click('tr[data-sweep-id="sweep-quick"] button[data-action="restore"]');
    await page.waitForSelector('text=No archived sweeps');
    expect(t.seeded.store.getSweep('sweep-quick')!.archivedAt).toBeNull();
    expect(t.seeded.store.listRuns({ sweepId: 'sweep-quick', archived: false }).total).toBe(4);
  });
});

describe('realism study', () => {
  it('runs a practice trial with feedback that is stored but never counted', async () => {
    await open('#/realism?run=run-bicyclegan-s0', 'realism');
    const before = t.seeded.store.foolingRate('run-bicyclegan-s0');
    await page.fill('input[type=number]', '1');
    await page.fill('#practice-trials', '1');
    await page.fill('input[placeholder="participant (optional)"]', 'ann');
    await page.click('button:has-text("start")');
    await page.waitForSelector('#choose-left', { timeout: 20_000 });
    expect(await page.locator('#study-stage').textContent()).toContain('practice 1 / 1');
    await page.click('#choose-left');
    await page.waitForSelector('#practice-feedback');
    expect(await page.locator('#practice-feedback').textContent()).toMatch(/^(Right|Wrong)/);
    await page.waitForSelector('#study-stage:has-text("trial 1 / 1")', { timeout: 20_000 });
    await page.waitForSelector('#choose-right', { timeout: 20_000 });
    await page.click('#choose-right');
    await page.waitForSelector('#study-stage .big:has-text("fooled")');
    const ann = t.seeded.store.listJudgments({ participant: 'ann' });
    expect(ann.map((j) => j.practice)).toEqual([true, false]);
    expect(t.seeded.store.foolingRate('run-bicyclegan-s0').n).toBe(before.n + 1);
  });

  it('lists answers per participant and deletes one participant\'s answers', async () => {
    await page.selectOption('#answers-by', 'participant');
    const row = page.locator('table.answers tr[data-key="ann"]');
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(['ann', '1', expect.stringMatching(/^[01]$/), '1', '1', 'delete…']);
    await row.locator('button').click();
    await row.waitFor({ state: 'detached' });
    expect(dialogs.at(-1)).toMatch(/every answer of participant ann/);
    expect(t.seeded.store.listJudgments({ participant: 'ann' })).toEqual([]);
  });

  it('lists answers per run and deletes a run\'s answers', async () => {
    await page.selectOption('#answers-by', 'run');
    const row = page.locator('table.answers tr[data-key="run-cvae_gan-s0"]');
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('12');
    await row.locator('button').click();
    await row.waitFor({ state: 'detached' });
    expect(t.seeded.store.foolingRate('run-cvae_gan-s0').n).toBe(0);
    expect(t.seeded.store.foolingRate('run-cvae_gan-s1').n).toBe(12);
  });
});

describe('no page errors', () => {
  it('ran every action above without an uncaught exception', () => {
    expect(pageErrors).toEqual([]);
  });
});
