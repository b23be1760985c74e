/**
 * The asymptotic Mann-Whitney test (Mann & Whitney 1947) with the tie-corrected variance and a
 * continuity correction, as scipy.stats.mannwhitneyu(method='asymptotic'), computed from samples
 * that are already sorted: U by pair counting and the tie term by one merge, O(m + n) instead of
 * ranking the pooled sample. One-sided, alternative "y - shift is stochastically greater than x".
 */
import { normalSf } from './normal';
import { pairCounts } from './pair-count';

export function mannWhitneyGreaterSorted(sortedX: Float64Array, sortedY: Float64Array, shift = 0): { u: number; z: number; p: number } {
  const m = sortedX.length;
  const n = sortedY.length;
  if (m === 0 || n === 0) throw new Error('mannWhitneyGreaterSorted: both samples must be non-empty');
  const { greater, equal } = pairCounts(sortedX, sortedY, shift);
  const u = greater + equal / 2;
  const N = m + n;
  const ties = tieSum(sortedX, sortedY, shift);
  const variance = ((m * n) / 12) * (N + 1 - ties / (N * (N - 1)));
  if (!(variance > 0)) return { u, z: 0, p: 1 };
  const z = (u - (m * n) / 2 - 0.5) / Math.sqrt(variance);
  return { u, z, p: Math.min(1, normalSf(z)) };
}

/** Sum over tie groups of (t^3 - t) in the union of x and (y - shift), by merging. */
function tieSum(x: Float64Array, y: Float64Array, shift: number): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  let run = 0;
  let last = NaN;
  while (i < x.length || j < y.length) {
    const yv = j < y.length ? y[j] - shift : Infinity;
    const v = i < x.length && x[i] <= yv ? x[i++] : (j++, yv);
    if (v === last) run++;
    else {
      sum += run * run * run - run;
      run = 1;
      last = v;
    }
  }
  return sum + run * run * run - run;
}
