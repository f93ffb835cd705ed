// `workbench import-official` and `workbench inspect`, end to end: the real CLI process for the
// documented commands, the exported functions for the error cases.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { buildNetworks, loadNetwork, toOfficialStateDict } from '@workbench/models';
import { readPth } from '@workbench/torch-io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOfficialCheckpoint } from './import-official.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = join(ROOT, 'fixtures/official');
const workbench = (...args: string[]) => run(process.execPath, [join(ROOT, 'bin/workbench.js'), ...args], { cwd: ROOT });

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const scratch = mkdtempSync(join(tmpdir(), 'import-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('workbench inspect', () => {
  it('reports the official counts for the default 256 px model (--json)', async () => {
    const { stdout } = await workbench('inspect', 'model.encoder=resnet', 'model.where_add=all', 'model.nz=8', 'data.crop_size=256', 'backend=cpu', '--json');
    const r = JSON.parse(stdout);
    expect(r.networks.G.params).toBe(54_794_627);
    expect(r.networks.E.params).toBe(2_590_032);
    expect(r.networks.D.params).toBe(3_458_978);
    expect(r.networks.D2.params).toBe(3_458_978);
    expect(r.networks.G.output).toEqual([1, 256, 256, 3]);
    expect(r.networks.D.output).toEqual([[1, 30, 30, 1], [1, 14, 14, 1]]);
    expect(r.backend).toBe('cpu');
  });

  it('prints a readable table and refuses unknown names in one line', async () => {
    const { stdout } = await workbench('inspect', 'model.encoder=cnn', 'data.crop_size=128', 'backend=cpu');
    expect(stdout).toMatch(/^E\s+1,711,824\s+mu \[1, 8\], logvar \[1, 8\]$/m);
    expect(stdout).toMatch(/^G\s+42,145,155\s+\[1, 128, 128, 3\]$/m);
    await expect(workbench('inspect', 'model.encoder=vgg')).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/model\.encoder.*vgg.*resnet, cnn/) });
  });
});

describe('workbench import-official', () => {
  it('converts an official checkpoint folder; the result loads and equals the official weights', async () => {
    const out = join(mkdtempSync(join(scratch, 'folder-')), 'ckpt');
    const { stdout } = await workbench('import-official', join(FIXTURES, 'all_conv_nz8/init'), '--out', out);
    expect(stdout).toMatch(/encoder=cnn where_add=all nz=8 ngf=8 nef=8 ndf=8 .*crop_size=128/);
    expect(stdout).toMatch(/G\s+694,963 params,\s+28 tensors checked/);
    const r = importOfficialCheckpoint([join(FIXTURES, 'all_conv_nz8/init')], { out });
    const nets = buildNetworks(r.model, { seed: 9 });
    for (const k of ['G', 'E', 'D', 'D2'] as const) {
      loadNetwork(nets[k]!, join(out, `${k}.safetensors`));
      const official = readPth(join(FIXTURES, `all_conv_nz8/init/latest_net_${k}.pth`));
      const back = toOfficialStateDict(nets[k]!);
      for (const [key, t] of official) expect([...back.get(key)!.data]).toEqual([...t.data]);
      nets[k]!.dispose();
    }
  });

  it('takes single files, and overrides must agree with the files', () => {
    const dir = join(FIXTURES, 'input_resnet_nz8/init');
    const out = mkdtempSync(join(scratch, 'out-'));
    const r = importOfficialCheckpoint([join(dir, 'latest_net_G.pth'), join(dir, 'latest_net_E.pth'), 'model.use_dropout=false'], { out });
    expect(r.imported.map((i) => i.net)).toEqual(['G', 'E']);
    expect(r.model).toMatchObject({ where_add: 'input', encoder: 'resnet', nz: 8, use_dropout: false, cropSize: 128 });
    expect(() => importOfficialCheckpoint([dir, 'model.encoder=cnn'], { out })).toThrow(
      /model\.encoder=cnn was given, but the checkpoint has model\.encoder=resnet/,
    );
  });

  it('explains bad inputs', () => {
    const out = mkdtempSync(join(scratch, 'out-'));
    expect(() => importOfficialCheckpoint([FIXTURES], { out })).toThrow(/no latest_net_\{G,E,D,D2\}\.pth here/);
    expect(() => importOfficialCheckpoint([join(FIXTURES, 'README.md')], { out })).toThrow(/cannot tell which network/);
    expect(() => importOfficialCheckpoint([join(FIXTURES, 'all_conv_nz8/init/latest_net_E.pth')], { out })).toThrow(/no G checkpoint/);
    expect(() => importOfficialCheckpoint([join(FIXTURES, 'nope')], { out })).toThrow(/no such file or folder/);
    expect(() =>
      importOfficialCheckpoint([join(FIXTURES, 'all_conv_nz8/init'), join(FIXTURES, 'all_resnet_nz8/init/latest_net_G.pth')], { out }),
    ).toThrow(/two G checkpoints given/);
  });
});
