import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@workbench/backend';
import { LPIPS_FIXTURE_DIR, loadLpipsFixture, nchwToNhwc } from '../../test/lpips-fixture.js';
import {
  ALEXNET_FILE,
  importLpipsWeights,
  linFileName,
  loadLpips,
  LpipsWeightsError,
  LpipsWeightsMissingError,
  lpipsWeightSources,
  parseLpipsVersion,
  resolveLpipsDir,
  vendoredLinPath,
} from './lpips-weights.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ force: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'lpips-weights-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('LPIPS weight store', () => {
  it('vendors the authors\' lin files unchanged', () => {
    expect(sha256(vendoredLinPath('0.0'))).toBe(sha256(`${LPIPS_FIXTURE_DIR}lin_v0.0_alex.pth`));
    expect(sha256(vendoredLinPath('0.1'))).toBe('df73285e35b22355a2df87cdb6b70b343713b667eddbda73e1977e0c860835c0');
  });

  it('refuses to run without the AlexNet trunk, saying how to provide it', () => {
    expect(() => loadLpips('0.0', dir)).toThrow(LpipsWeightsMissingError);
    expect(() => loadLpips('0.0', dir)).toThrow(/no AlexNet weights for LPIPS in .*workbench lpips import --alexnet <file>/);
  });

  it('imports the AlexNet checkpoint once and then reproduces the reference distances', () => {
    const written = importLpipsWeights({ alexnet: `${LPIPS_FIXTURE_DIR}alex_features_random.pth`, dir });
    expect(written).toEqual([join(dir, ALEXNET_FILE)]);
    expect(lpipsWeightSources('0.1', dir).lin).toBe(vendoredLinPath('0.1'));
    const pair = loadLpipsFixture().pairs[3]!;
    for (const v of ['0.0', '0.1'] as const) {
      const lpips = loadLpips(v, dir);
      const d = tf.tidy(() => lpips.distance(nchwToNhwc(pair.in0), nchwToNhwc(pair.in1)).dataSync()[0]!);
      lpips.dispose();
      expect(Math.abs(d - pair.lpips[v].distance)).toBeLessThanOrEqual(1e-6 + 1e-4 * pair.lpips[v].distance);
    }
  });

  it('stores imported lin files, which then take precedence over the vendored ones', () => {
    // Importing v0.1's lin weights under v0.0 must change v0.0's distance to the v0.1 lin result
    // (evidence the stored file is used); the input scaling still follows the version.
    expect(importLpipsWeights({ linV00: `${LPIPS_FIXTURE_DIR}lin_v0.1_alex.pth`, dir })).toEqual([join(dir, linFileName('0.0'))]);
    expect(existsSync(join(dir, linFileName('0.0')))).toBe(true);
    expect(lpipsWeightSources('0.0', dir).lin).toBe(join(dir, linFileName('0.0')));
    const pair = loadLpipsFixture().pairs[3]!;
    const lpips = loadLpips('0.0', dir);
    const d = tf.tidy(() => lpips.distance(nchwToNhwc(pair.in0), nchwToNhwc(pair.in1)).dataSync()[0]!);
    lpips.dispose();
    expect(Math.abs(d - pair.lpips['0.0'].distance)).toBeGreaterThan(0.1 * pair.lpips['0.0'].distance);
    rmSync(join(dir, linFileName('0.0')));
  });

  it('rejects files that are not AlexNet / LPIPS lin weights', () => {
    expect(() => importLpipsWeights({ alexnet: `${LPIPS_FIXTURE_DIR}lin_v0.0_alex.pth`, dir })).toThrow(/not an AlexNet checkpoint/);
    // A bad lin file is refused before the (slow) AlexNet conversion, and nothing is written.
    const other = mkdtempSync(join(tmpdir(), 'lpips-bad-'));
    expect(() => importLpipsWeights({ alexnet: `${LPIPS_FIXTURE_DIR}alex_features_random.pth`, linV01: `${LPIPS_FIXTURE_DIR}lin_v0.0_alex.pth.missing`, dir: other })).toThrow(/no such file/);
    expect(() => importLpipsWeights({ linV01: `${LPIPS_FIXTURE_DIR}alex_features_random.pth`, dir: other })).toThrow(LpipsWeightsError);
    expect(existsSync(join(other, ALEXNET_FILE))).toBe(false);
    rmSync(other, { recursive: true });
    expect(() => importLpipsWeights({ dir })).toThrow(/nothing to import/);
    expect(() => parseLpipsVersion('0.2')).toThrow(/unknown LPIPS version '0.2': use one of 0.0, 0.1/);
  });

  it('resolves the weights folder from config, then WORKBENCH_LPIPS_DIR, then the cache default', () => {
    const saved = process.env.WORKBENCH_LPIPS_DIR;
    try {
      delete process.env.WORKBENCH_LPIPS_DIR;
      expect(resolveLpipsDir('')).toBe(join(homedir(), '.cache/bicyclegan-workbench/lpips'));
      process.env.WORKBENCH_LPIPS_DIR = dir;
      expect(resolveLpipsDir(undefined)).toBe(dir);
      expect(resolveLpipsDir('~/x')).toBe(join(homedir(), 'x'));
    } finally {
      if (saved === undefined) delete process.env.WORKBENCH_LPIPS_DIR;
      else process.env.WORKBENCH_LPIPS_DIR = saved;
    }
  });
});
