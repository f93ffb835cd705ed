import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@workbench/backend';
import { readPth } from '@workbench/torch-io';
import { LPIPS_FIXTURE_DIR, loadLpipsFixture, nchwToNhwc, decodeFloats, type FixturePair } from '../../test/lpips-fixture.js';
import { alexTrunkFromTorch, linFromTorch, lpipsFromStateDicts, vendoredLinPath } from './lpips-weights.js';
import { LPIPS_VERSIONS, type Lpips } from './lpips.js';

// Largest errors seen, printed at the end (the README quotes them).
const worst = { distRel: 0, distAbs: 0, relOfRef: 0, tapRel: 0 };
let pairs: FixturePair[];
const nets = new Map<string, Lpips>();

beforeAll(async () => {
  await initBackend({ force: 'wasm' });
  pairs = loadLpipsFixture().pairs;
  const trunk = alexTrunkFromTorch(readPth(`${LPIPS_FIXTURE_DIR}alex_features_random.pth`));
  for (const v of LPIPS_VERSIONS) {
    // The vendored lin files must be the fixture's files (same bytes), so use the vendored path.
    nets.set(v, lpipsFromStateDicts(v, trunk, linFromTorch(readPth(vendoredLinPath(v)))));
  }
});

afterAll(() => {
  for (const n of nets.values()) n.dispose();
  console.log(`LPIPS vs fixture on ${tf.getBackend()}: max |Δ| ${worst.distAbs.toExponential(2)}, max |Δ|/|ref| ${worst.relOfRef.toExponential(2)}, max |Δ|/(1e-6+1e-4|ref|) ${worst.distRel.toFixed(4)}, taps max|Δ|/max|ref| ${worst.tapRel.toExponential(2)}`);
});

describe.each(LPIPS_VERSIONS)('LPIPS v%s against the reference implementation', (version) => {
  it('matches distance and per-layer terms of every pair (|Δ| ≤ 1e-6 + 1e-4·|ref|)', () => {
    const lpips = nets.get(version)!;
    for (const p of pairs) {
      const [d, per] = tf.tidy(() => {
        const x0 = nchwToNhwc(p.in0);
        const x1 = nchwToNhwc(p.in1);
        return [lpips.distance(x0, x1).dataSync()[0]!, Array.from(lpips.perLayer(x0, x1).dataSync())];
      });
      const ref = p.lpips[version]!;
      const check = (x: number, r: number, what: string) => {
        const err = Math.abs(x - r);
        worst.distAbs = Math.max(worst.distAbs, err);
        if (r !== 0) worst.relOfRef = Math.max(worst.relOfRef, err / Math.abs(r));
        worst.distRel = Math.max(worst.distRel, err / (1e-6 + 1e-4 * Math.abs(r)));
        expect(err, `${p.name} ${what}: ${x} vs ${r}`).toBeLessThanOrEqual(1e-6 + 1e-4 * Math.abs(r));
      };
      check(d, ref.distance, 'distance');
      per.forEach((x, k) => check(x, ref.per_layer[k]!, `per_layer[${k}]`));
      if (p.name === 'identical_64') {
        expect(d).toBe(0);
        expect(per).toEqual([0, 0, 0, 0, 0]);
      }
    }
  });

  it('reproduces the five debug taps of the first pair (≤ 1e-5·max|ref|)', () => {
    const p = pairs.find((q) => q.debug_taps_in0)!;
    const refs = p.debug_taps_in0![version];
    const taps = nets.get(version)!.taps(nchwToNhwc(p.in0));
    ['relu1', 'relu2', 'relu3', 'relu4', 'relu5'].forEach((name, k) => {
      const ref = refs[name]!;
      const tap = taps[k]!;
      const got = tf.tidy(() => tf.transpose(tap, [0, 3, 1, 2]).dataSync());
      expect(tap.shape).toEqual([ref.shape[0], ref.shape[2], ref.shape[3], ref.shape[1]]);
      const r = decodeFloats(ref);
      let maxRef = 0;
      let maxErr = 0;
      for (let i = 0; i < r.length; i++) {
        maxRef = Math.max(maxRef, Math.abs(r[i]!));
        maxErr = Math.max(maxErr, Math.abs(got[i]! - r[i]!));
      }
      worst.tapRel = Math.max(worst.tapRel, maxErr / maxRef);
      expect(maxErr, name).toBeLessThanOrEqual(1e-5 * maxRef);
    });
    tf.dispose(taps);
  });

  it('is symmetric, batched row by row, and leaks no tensors', () => {
    const lpips = nets.get(version)!;
    const before = tf.memory().numTensors;
    const [ab, ba, batched] = tf.tidy(() => {
      const x0 = tf.concat([nchwToNhwc(pairs[0]!.in0), nchwToNhwc(pairs[3]!.in0)]);
      const x1 = tf.concat([nchwToNhwc(pairs[0]!.in1), nchwToNhwc(pairs[3]!.in1)]);
      return [lpips.distance(x0, x1).arraySync(), lpips.distance(x1, x0).arraySync(), lpips.distance(x0, x1).arraySync()];
    });
    expect(ab[0]).toBeCloseTo(ba[0]!, 7);
    expect(ab[1]).toBeCloseTo(ba[1]!, 7);
    expect(batched[0]).toBeCloseTo(pairs[0]!.lpips[version]!.distance, 6);
    expect(batched[1]).toBeCloseTo(pairs[3]!.lpips[version]!.distance, 6);
    expect(tf.memory().numTensors).toBe(before);
  });
});
