// The training visual: one row per display input with input A, ground truth B, the encoded
// reconstruction G(A, mean of E(B)) (as official test.py's sample 0) and `num_samples` random-z
// samples G(A, z_k). The z_k are fixed for the run, so grids of successive steps are comparable.
import * as tf from '@tensorflow/tfjs';
import { writeImageGrid, type GridImage } from '@workbench/data';
import type { TrainNetworks } from './networks.js';

export async function writeTrainingGrid(
  path: string,
  nets: TrainNetworks,
  display: { A: tf.Tensor4D; B: tf.Tensor4D }, // [K,H,W,Cin], [K,H,W,Cout]
  z: tf.Tensor2D, // [S,nz]
  title: string,
): Promise<void> {
  const k = display.A.shape[0];
  const s = z.shape[0];
  const h = display.A.shape[1];
  const tiles = tf.tidy(() => {
    // eval mode: no dropout, BatchNorm on running statistics (as official test.py)
    const recon = nets.E ? nets.G.apply(display.A, nets.E.apply(display.B).mu, { training: false }) : undefined; // [K,H,W,Cout]
    const rows: tf.Tensor4D[][] = [];
    for (let i = 0; i < k; i++) {
      const a = display.A.slice([i, 0, 0, 0], [1, -1, -1, -1]);
      const aRep = tf.tile(a, [s, 1, 1, 1]); // [S,H,W,Cin]
      const samples = nets.G.apply(aRep, z, { training: false }); // [S,H,W,Cout]
      const row: tf.Tensor4D[] = [a, display.B.slice([i, 0, 0, 0], [1, -1, -1, -1])];
      if (recon) row.push(recon.slice([i, 0, 0, 0], [1, -1, -1, -1]));
      for (let j = 0; j < s; j++) row.push(samples.slice([j, 0, 0, 0], [1, -1, -1, -1]));
      rows.push(row);
    }
    return rows;
  });
  const columnLabels = ['input A', 'truth B', ...(nets.E ? ['encoded'] : []), ...Array.from({ length: s }, (_, j) => `z${j + 1}`)];
  try {
    await writeImageGrid(path, tiles as GridImage[][], { columnLabels, title, scale: h <= 64 ? 2 : 1 });
  } finally {
    tf.dispose(tiles.flat());
  }
}
