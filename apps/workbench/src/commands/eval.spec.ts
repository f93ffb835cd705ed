// `workbench eval` on a broken run folder: the real CLI, a real SQLite file, real files.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { composeConfig } from '@workbench/config';
import { checkpointPath, openStore } from '@workbench/tracking';
import { CHECKPOINT_FORMAT } from '@workbench/training';
import { dataOverrides } from './eval.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'workbench-eval-cli-'));
const db = join(tmp, 'wb.db');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('workbench eval', () => {
  it('reports a corrupt checkpoint file as one line without a stack trace (exit code 2)', async () => {
    const overrides = ['data.crop_size=32', 'data.load_size=32', 'model.ngf=4', 'model.ndf=4', 'model.nef=4'];
    const { config } = composeConfig({ overrides });
    const runDir = join(tmp, 'runs', 'broken');
    const ckpt = join(runDir, checkpointPath(3));
    mkdirSync(ckpt, { recursive: true });
    writeFileSync(join(ckpt, 'state.json'), JSON.stringify({ format: CHECKPOINT_FORMAT, step: 3 }));
    writeFileSync(join(ckpt, 'G.safetensors'), 'truncated');
    const store = openStore(db);
    // The run's folder is <train.runs_dir>/<run id> (the tracking run layout), so the id names it.
    const id = store.createRun({ id: 'broken', method: config.method, config: config as unknown as Record<string, unknown>, runDir }).id;
    store.finishRun(id, 'finished');
    store.close();

    const err = await run(process.execPath, [join(ROOT, 'bin/workbench.js'), 'eval', id, `tracking.db=${db}`, `train.runs_dir=${join(tmp, 'runs')}`, 'eval.n_inputs=2', 'eval.n_samples=2', 'eval.lpips_dir=' + join(tmp, 'no-lpips')], { cwd: ROOT }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    const lines = err!.stderr.trim().split('\n');
    expect(lines.at(-1)).toBe(`workbench: ${join(ckpt, 'G.safetensors')}: not a safetensors file (bad header length)`);
    expect(err!.stderr).not.toMatch(/^\s+at /m);
  });

  it('takes data.* keys from the command line over the run\'s own, but not the ones that shape the networks', () => {
    const of = (...o: string[]) => dataOverrides(composeConfig({ overrides: o }), o);
    expect(of('eval.split=val', 'tracking.db=x.db')).toEqual({});
    expect(of('data.root=/data/moved', 'data.direction=BtoA')).toEqual({ root: '/data/moved', direction: 'BtoA' });
    expect(() => of('data.crop_size=64')).toThrow('data.crop_size shapes the networks, so a checkpoint is evaluated at the value it was trained with: drop data.crop_size from the eval command');
    expect(() => of('data=facades', 'data.root=/x')).toThrow(/override single keys \(data\.root=<folder>, data\.direction=\.\.\.\), not the preset \(data=\.\.\.\)$/);
  });
});
