/**
 * The tail test's numerics: per round, the pooled (both arms) upper quantile q at a level L, and each
 * arm's share of requests strictly above it; then the sign-flip test of the rounds' differences.
 *
 * The quantile is Hyndman & Fan's (1996) type 7 (numpy.quantile's default), of the union of the two
 * sorted arms with the candidate shifted by `shift` (its values minus shift), found by selection on
 * the two sorted arrays, O(log n) per round, with no merged copy.
 *
 * The sign-flip reference is Fisher's (1935) randomization test of the sum of per-round differences
 * (each round's sign is its coin under H0), exact at every R (signFlipSumTest below).
 */
import { blockSums, signFlipPValues } from './sign-flip';

/** The k-th smallest (0-based) of a united with (b - bShift); both sorted ascending. */
export function kthOfShiftedPair(a: ArrayLike<number>, b: ArrayLike<number>, bShift: number, k: number): number {
  // Binary search on how many of the k + 1 smallest come from a (the classic two-sorted-arrays selection).
  let lo = Math.max(0, k + 1 - b.length);
  let hi = Math.min(k + 1, a.length);
  while (lo < hi) {
    const i = (lo + hi) >> 1;
    const j = k + 1 - i;
    if (j > 0 && i < a.length && b[j - 1]! - bShift > a[i]!) lo = i + 1;
    else hi = i;
  }
  const i = lo;
  const j = k + 1 - i;
  const fromA = i > 0 ? a[i - 1]! : -Infinity;
  const fromB = j > 0 ? b[j - 1]! - bShift : -Infinity;
  return Math.max(fromA, fromB);
}

/** Type-7 quantile at `level` of a united with (b - bShift), both sorted ascending. */
export function pooledQuantile(a: ArrayLike<number>, b: ArrayLike<number>, bShift: number, level: number): number {
  const n = a.length + b.length;
  if (n === 0) return NaN;
  const h = (n - 1) * level;
  const lo = Math.floor(h);
  const low = kthOfShiftedPair(a, b, bShift, lo);
  if (h === lo || lo + 1 >= n) return low;
  return low + (h - lo) * (kthOfShiftedPair(a, b, bShift, lo + 1) - low);
}

/** How many of sorted (minus shift) lie strictly above v. */
export function countAbove(sorted: ArrayLike<number>, v: number, shift = 0): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! - shift > v) hi = mid;
    else lo = mid + 1;
  }
  return sorted.length - lo;
}

export interface TailShares {
  /** The round's pooled quantile (on the candidate-shifted scale). */
  quantile: number;
  baseline: number;
  candidate: number;
}

/** Each arm's share of requests above the pooled quantile at `level`, the candidate shifted down by `shift`. */
export function tailShares(baseline: ArrayLike<number>, candidate: ArrayLike<number>, level: number, shift = 0): TailShares {
  const q = pooledQuantile(baseline, candidate, shift, level);
  return {
    quantile: q,
    baseline: baseline.length ? countAbove(baseline, q) / baseline.length : 0,
    candidate: candidate.length ? countAbove(candidate, q, shift) / candidate.length : 0,
  };
}

/** Rounds up to which every round is flipped on its own; beyond, consecutive rounds are flipped in blocks. */
export const SIGN_FLIP_UNITS = 16;

export interface SignFlipSumTest {
  /** One-sided p of "sum d > 0" and the mirrored one of "sum d < 0". */
  upper: number;
  lower: number;
  /** Rounds flipped together (1: each round on its own). */
  blockSize: number;
}

/** Rounds per block: 1 up to `units` rounds, else ceil(R / units), so that at most `units` blocks are flipped. */
export function tailBlockSize(rounds: number, units = SIGN_FLIP_UNITS): number {
  return rounds <= units ? 1 : Math.ceil(rounds / units);
}

/**
 * Exact sign-flip p-values of the sum of d over its rounds: every round flipped on its own up to
 * `units` rounds; beyond, the sums of consecutive blocks of tailBlockSize rounds (the last takes
 * the remainder) are flipped, all 2^blocks assignments listed. Block assignments are a subgroup of
 * all assignments, so the test stays exact for independent rounds (E. L. Lehmann & J. P. Romano,
 * "Testing Statistical Hypotheses", 3rd ed. (2005), sec. 15.2) and costs 2^(units / 2) sums a half
 * at any R, where a test of each round would need Monte Carlo draws in the tens of thousands.
 */
export function signFlipSumTest(d: ArrayLike<number>, units = SIGN_FLIP_UNITS): SignFlipSumTest {
  let scale = 0;
  for (let r = 0; r < d.length; r++) {
    if (!Number.isFinite(d[r]!)) throw new Error('signFlipSumTest: non-finite difference');
    scale += Math.abs(d[r]!);
  }
  const blockSize = tailBlockSize(d.length, units);
  if (scale === 0) return { upper: 1, lower: 1, blockSize };
  return { ...signFlipPValues(blockSize === 1 ? d : blockSums(d, blockSize)), blockSize };
}
