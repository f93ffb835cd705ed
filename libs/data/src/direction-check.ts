// Is `data.direction` the right way round? The model learns input → target, and a pix2pix folder
// does not say which half is the photo: with facades (labels on the right, official BtoA) or
// edges2shoes (edges on the left, AtoB) a wrong direction trains photo → labels without any error.
// This compares the two halves of a few pairs and warns when the target side looks like the
// label/edge side and the input side does not.
import type { DataConfig } from './data-config.js';
import { AlignedDataset, splitHalves } from './aligned-dataset.js';
import { decodeRgb } from './image-io.js';
import type { PairedDataset } from './paired-dataset.js';
import { meanSideStatistics, sideStatistics, type SideStatistics } from './side-statistics.js';

/** A side is "flatter" by this much (fraction of flat pixels) before the check warns. */
const FLAT_MARGIN = 0.15;
/** ... and flat on at least this fraction of its pixels. */
const FLAT_MIN = 0.6;
/**
 * Or nearer to black-and-white by this much, and near-binary on at least BINARY_MIN: an edge map
 * (100 % near-binary) against a product shot whose white background covers most of the frame
 * (82 % in the made-up pairs of the tests) differs by less in flatness than in binariness.
 */
const BINARY_MARGIN = 0.15;
const BINARY_MIN = 0.9;

export interface DirectionCheck {
  /** Pairs looked at (evenly spaced over the split). */
  pairs: number;
  direction: DataConfig['direction'];
  /** Statistics of the model-input side and of the target side (mean over the pairs). */
  input: SideStatistics;
  target: SideStatistics;
  /** One line naming data.direction when the target side looks like the label/edge side. */
  warning?: string;
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

function describe(s: SideStatistics): string {
  return `${pct(s.flat)} flat, ${pct(s.nearBinary)} near black/white`;
}

/**
 * Compare the halves of up to `samples` files (evenly spaced). `files` are A|B images, as an
 * aligned dataset lists them; decoding errors propagate (DataError naming the file).
 */
export async function checkDirection(files: readonly string[], direction: DataConfig['direction'], samples = 8): Promise<DirectionCheck> {
  const n = Math.min(samples, files.length);
  const picked = new Set(Array.from({ length: n }, (_, k) => Math.floor((k * files.length) / n)));
  const picks = files.filter((_, i) => picked.has(i));
  const inputs: SideStatistics[] = [];
  const targets: SideStatistics[] = [];
  for (const f of picks) {
    const [left, right] = splitHalves(await decodeRgb(f));
    const [inSide, outSide] = direction === 'AtoB' ? [left, right] : [right, left];
    inputs.push(sideStatistics(inSide));
    targets.push(sideStatistics(outSide));
  }
  const input = meanSideStatistics(inputs);
  const target = meanSideStatistics(targets);
  const flatter = target.flat - input.flat >= FLAT_MARGIN && target.flat >= FLAT_MIN;
  const binary = target.nearBinary - input.nearBinary >= BINARY_MARGIN && target.nearBinary >= BINARY_MIN;
  const check: DirectionCheck = { pairs: n, direction, input, target };
  if (flatter || binary) {
    const [tHalf, iHalf] = direction === 'AtoB' ? ['B (right half)', 'A (left half)'] : ['A (left half)', 'B (right half)'];
    const other = direction === 'AtoB' ? 'BtoA' : 'AtoB';
    check.warning =
      `the target side ${tHalf} looks like a label/edge map (${describe(target)}) and the input side ${iHalf} like a photo ` +
      `(${describe(input)}) over ${n} pairs: with data.direction=${direction} the model learns photo → labels; ` +
      `if you meant labels/edges → photo, set data.direction=${other}`;
  }
  return check;
}

/** The check for an opened dataset: aligned folders only (the shapes set is AtoB by construction). */
export async function checkDatasetDirection(ds: PairedDataset, direction: DataConfig['direction']): Promise<DirectionCheck | undefined> {
  return ds instanceof AlignedDataset ? checkDirection(ds.files, direction) : undefined;
}
