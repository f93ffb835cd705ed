import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDataset } from './create-dataset.js';
import { exportAligned } from './export-aligned.js';
import { tempDir } from './test-support.js';

describe('export -> aligned loader round trip', () => {
  it('reads back the shapes set bit-exactly through the folder loader', async () => {
    const tmp = tempDir();
    try {
      const cfg = { dataset: 'shapes' as const, crop_size: 48, train_size: 12, test_size: 5, background_modes: 3 };
      for (const split of ['train', 'test'] as const) {
        const shapes = await createDataset(cfg, split);
        await exportAligned(shapes, tmp.dir);
        const folder = await createDataset({ dataset: 'aligned', root: tmp.dir, preprocess: 'none', no_flip: true }, split);
        expect(folder.size).toBe(shapes.size);
        expect([folder.width, folder.height]).toEqual([48, 48]);
        for (let i = 0; i < shapes.size; i++) {
          const [s, f] = [await shapes.get(i), await folder.get(i)];
          expect(f.A).toEqual(s.A);
          expect(f.B).toEqual(s.B);
        }
        const meta = readFileSync(join(tmp.dir, `${split}-meta.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
        expect(meta).toHaveLength(shapes.size);
        expect(meta[3].shapes.map((x: { mode: number }) => x.mode)).toEqual((await shapes.get(3)).meta!.shapes.map((x) => x.mode));
      }
      expect(readdirSync(join(tmp.dir, 'train')).slice(0, 2)).toEqual(['0001.png', '0002.png']);
    } finally {
      tmp.cleanup();
    }
  });
});
