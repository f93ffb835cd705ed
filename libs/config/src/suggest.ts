// "Did you mean ...?" for misspelt keys and values.
import { closest, distance } from 'fastest-levenshtein';

/** The closest candidate if it is plausibly a typo (distance at most ~1/3 of the length, min 2). */
export function suggestClosest(word: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(word, candidates as string[]);
  const tail = (s: string) => s.slice(s.lastIndexOf('.') + 1);
  const limit = Math.max(2, Math.ceil(word.length / 3));
  // A wrong namespace with the right leaf (`train.nz`) is also a typo worth naming.
  const sameLeaf = candidates.find((c) => tail(c) === tail(word) && tail(word).length >= 2);
  if (sameLeaf !== undefined && sameLeaf !== word) return sameLeaf;
  return distance(word, best) <= limit ? best : undefined;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = suggestClosest(word, candidates);
  return s === undefined ? '' : `; did you mean '${s}'?`;
}
