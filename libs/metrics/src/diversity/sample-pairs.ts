// Which samples of one input are compared by the diversity protocol.
import type { PairMode } from '@workbench/config';

/** `eval.pairs` values (the config schema's list). */
export { PAIR_MODES, type PairMode } from '@workbench/config';

/**
 * Index pairs among M samples: `consecutive` = (0,1), (1,2), …, (M-2,M-1), the paper's M-1 pairs
 * (BicycleGAN README; `lpips_1dir_allpairs.py` default); `all` = every unordered pair, M(M-1)/2.
 */
export function samplePairs(m: number, mode: PairMode): Array<[number, number]> {
  if (!Number.isInteger(m) || m < 2) throw new Error(`the diversity protocol needs at least 2 samples per input (eval.n_samples=${m})`);
  const out: Array<[number, number]> = [];
  if (mode === 'consecutive') {
    for (let i = 0; i + 1 < m; i++) out.push([i, i + 1]);
  } else {
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) out.push([i, j]);
  }
  return out;
}
