// One owner for "a run" (@workbench/tracking run/): a run written by training is found, read,
// served, resumed and evaluated through the same layout and stored config; nothing re-derives a
// path, a checkpoint pattern or casts the config.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@workbench/backend';
import { composeConfig } from '@workbench/config';
import { evaluateRun } from '@workbench/metrics';
import {
  checkpointPath,
  CONFIG_VERSION,
  evalGridPath,
  latestCheckpoint,
  openStore,
  RUN_FILES,
  runFolder,
  storedConfigOf,
  type TrackingStore,
} from '@workbench/tracking';
import { trainRun } from '@workbench/training';
import { startServer } from '../src/server/index.js';

let dir: string;
let store: TrackingStore;
beforeAll(async () => {
  await initBackend({ force: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'wb-run-owner-'));
  store = openStore(join(dir, 'wb.db'));
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a run has one owner', () => {
  it('training writes it; the layout finds it, the stored config reads it, the server serves it, resume and eval continue it', async () => {
    const runsDir = join(dir, 'runs');
    const { config } = composeConfig({
      overrides: [
        'data=shapes', 'data.train_size=16', 'data.test_size=4', 'model.ngf=8', 'model.ndf=8', 'model.nef=8',
        'train.iters=4', 'train.checkpoint_every=2', 'train.display_every=2', 'train.log_every=1', 'train.eval_every=0',
        `train.runs_dir=${runsDir}`,
      ],
    });
    const stop = new AbortController();
    const first = await trainRun(config, { store, progress: 'none', handleSignals: false, signal: stop.signal, onStep: (s) => s === 2 && stop.abort() });
    expect(first).toMatchObject({ status: 'killed', step: 2 });

    // found: the folder and the checkpoint are where the layout says
    expect(first.runDir).toBe(runFolder(runsDir, first.runId));
    expect(latestCheckpoint(first.runDir)).toEqual({ dir: join(first.runDir, checkpointPath(2)), step: 2 });
    // read: the stored config comes back, versioned, equal to what was trained
    const row = store.getRun(first.runId)!;
    expect(row.configVersion).toBe(CONFIG_VERSION);
    expect(storedConfigOf(row)).toEqual(config);
    expect(readFileSync(join(first.runDir, RUN_FILES.config), 'utf8')).toMatch(new RegExp(`^# config_version: ${CONFIG_VERSION} `));

    // served: the files route lists complete checkpoints only (a half-written one is not)
    const tmp = join(first.runDir, `${checkpointPath(4)}.tmp-1`);
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, RUN_FILES.checkpointState), '{}');
    const server = await startServer({ host: '127.0.0.1', port: 0, store, runsRoot: runsDir, log: () => {} });
    try {
      const listed = (await (await fetch(`${server.url}/api/runs/${first.runId}/checkpoints`)).json()) as { checkpoints: Array<{ step: number; dir: string; files: Array<{ name: string; url: string }> }> };
      expect(listed.checkpoints.map((c) => [c.step, c.dir])).toEqual([[2, checkpointPath(2)]]);
      const state = listed.checkpoints[0]!.files.find((f) => f.name === RUN_FILES.checkpointState)!;
      const served = await fetch(`${server.url}${state.url}`);
      expect(served.status).toBe(200);
      expect(((await served.json()) as { step: number }).step).toBe(2);
    } finally {
      await server.close();
    }
    rmSync(tmp, { recursive: true });

    // resumed: the same folder, from the same checkpoint, with the stored config
    const second = await trainRun({ ...config, resume: first.runId }, { store, progress: 'none', handleSignals: false });
    expect(second).toMatchObject({ status: 'finished', step: 4, runId: first.runId, runDir: first.runDir });
    expect(readFileSync(join(first.runDir, RUN_FILES.log), 'utf8')).toContain(`resumed from ${checkpointPath(2)} (step 2)`);

    // evaluated: the newest checkpoint of the same folder, the grid where the layout names it
    const evaluated = await evaluateRun(store, store.getRun(first.runId)!, { nInputs: 2, nSamples: 2, pairs: 'consecutive', runsDir, lpipsSkipped: 'test', splits: ['test'] });
    expect(evaluated.step).toBe(4);
    expect(evaluated.checkpointDir).toBe(latestCheckpoint(first.runDir)!.dir);
    expect(evaluated.gridPath).toBe(join(first.runDir, evalGridPath(4)));
  });
});
