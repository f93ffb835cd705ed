// Parameter counts against the official table (bicyclegan-official.md §3.6), counted from the
// recorded shapes without allocating the networks (24 full-size configurations).
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_OPTIONS, type ModelOptions } from './model-options.js';
import { countParameters } from './registry.js';

// [crop, encoder, where_add, nz, G, E, D (= D2)] from the official define_G/E/D, num_Ds 2.
const OFFICIAL: Array<[number, 'resnet' | 'cnn', 'input' | 'all', number, number, number, number]> = [
  [256, 'resnet', 'input', 2, 54_411_651, 2_586_948, 3_458_978],
  [256, 'resnet', 'input', 8, 54_417_795, 2_590_032, 3_458_978],
  [256, 'resnet', 'input', 256, 54_671_747, 2_717_504, 3_458_978],
  [256, 'resnet', 'all', 2, 54_505_859, 2_586_948, 3_458_978],
  [256, 'resnet', 'all', 8, 54_794_627, 2_590_032, 3_458_978],
  [256, 'resnet', 'all', 256, 66_730_371, 2_717_504, 3_458_978],
  [256, 'cnn', 'input', 2, 54_411_651, 2_757_572, 3_458_978],
  [256, 'cnn', 'input', 8, 54_417_795, 2_760_656, 3_458_978],
  [256, 'cnn', 'input', 256, 54_671_747, 2_888_128, 3_458_978],
  [256, 'cnn', 'all', 2, 54_505_859, 2_757_572, 3_458_978],
  [256, 'cnn', 'all', 8, 54_794_627, 2_760_656, 3_458_978],
  [256, 'cnn', 'all', 256, 66_730_371, 2_888_128, 3_458_978],
  [128, 'resnet', 'input', 2, 41_827_715, 1_340_996, 830_626],
  [128, 'resnet', 'input', 8, 41_833_859, 1_344_080, 830_626],
  [128, 'resnet', 'input', 256, 42_087_811, 1_471_552, 830_626],
  [128, 'resnet', 'all', 2, 41_905_539, 1_340_996, 830_626],
  [128, 'resnet', 'all', 8, 42_145_155, 1_344_080, 830_626],
  [128, 'resnet', 'all', 256, 52_049_283, 1_471_552, 830_626],
  [128, 'cnn', 'input', 2, 41_827_715, 1_708_740, 830_626],
  [128, 'cnn', 'input', 8, 41_833_859, 1_711_824, 830_626],
  [128, 'cnn', 'input', 256, 42_087_811, 1_839_296, 830_626],
  [128, 'cnn', 'all', 2, 41_905_539, 1_708_740, 830_626],
  [128, 'cnn', 'all', 8, 42_145_155, 1_711_824, 830_626],
  [128, 'cnn', 'all', 256, 52_049_283, 1_839_296, 830_626],
];

const base: ModelOptions = { ...DEFAULT_MODEL_OPTIONS };

describe('parameter counts equal the official table', () => {
  it.each(OFFICIAL)('%i px, encoder %s, where_add %s, nz %i', (crop, encoder, whereAdd, nz, G, E, D) => {
    expect(countParameters({ ...base, cropSize: crop, encoder, where_add: whereAdd, nz })).toEqual({ G, E, D, D2: D });
  });

  it('variants at 256 / resnet / all / nz 8', () => {
    expect(countParameters({ ...base, inputNc: 1 }).G).toBe(54_792_579);
    expect(countParameters({ ...base, conditional_D: true })).toMatchObject({ D: 3_463_586, D2: 3_463_586 });
    expect(countParameters({ ...base, upsample: 'bilinear' }).G).toBe(39_538_435);
    expect(countParameters({ ...base, norm: 'batch' })).toMatchObject({ G: 54_804_483, E: 2_592_592, D: 3_461_666 });
  });

  it('the closed forms hold for other nz', () => {
    for (const nz of [1, 3, 16]) {
      expect(countParameters({ ...base, nz, where_add: 'input' }).G).toBe(54_409_603 + 1_024 * nz);
      expect(countParameters({ ...base, nz, where_add: 'all' }).G).toBe(54_409_603 + 48_128 * nz);
      expect(countParameters({ ...base, nz }).E).toBe(countParameters({ ...base, nz: 1 }).E + 2 * (256 * (nz - 1) + (nz - 1)));
    }
  });

  it('the fixture configurations (ngf = nef = ndf = 8, 128 px)', () => {
    const small = { ...base, ngf: 8, nef: 8, ndf: 8, cropSize: 128 };
    expect(countParameters({ ...small, where_add: 'input' })).toEqual({ G: 656_051, E: 21_976, D: 14_230, D2: 14_230 });
    expect(countParameters({ ...small, where_add: 'all', encoder: 'cnn' })).toEqual({ G: 694_963, E: 27_624, D: 14_230, D2: 14_230 });
    expect(countParameters({ ...small, nz: 2 })).toMatchObject({ G: 665_011, E: 21_580 });
  });
});
