/**
 * Combination of per-round scores by a self-normalised sum, Z = sum d / sqrt(sum d^2), with a
 * randomization (sign-flip) reference: under H0 each d_r is symmetric about 0 independently,
 * so all 2^R sign assignments of |d_r| are equally likely (R. A. Fisher, "The Design of
 * Experiments" (1935), section 21; E. J. G. Pitman, JRSS Suppl. 4 (1937) 119-130).
 *
 * From 20 rounds on, consecutive rounds are flipped together in blocks of floor(R / 10) (10 to 14
 * blocks, most at R = 29; the last takes the remainder): the sign assignments of whole blocks are a subgroup of all
 * assignments, so the test stays exact for independent rounds (a randomization test over any
 * subgroup of the transformations that leave the null law unchanged is exact; E. L. Lehmann &
 * J. P. Romano, "Testing Statistical Hypotheses", 3rd ed. (2005), sec. 15.2), while the reference
 * variance, sum of squared block sums, counts the covariance of rounds within a block: the batch
 * means idea, so that round effects that persist from round to round are not taken for a slowdown.
 * Z is then formed from the block sums. The reference is exact at every R, at one look (a
 * sequential run holds its level over looks by the boundaries, controller.ts); there is no
 * large-sample approximation.
 */

/** Blocks are used from this many rounds on; below it every round is flipped on its own. */
export const BLOCKS_FROM_ROUNDS = 20;

/** Rounds per sign-flip block: 1 below 20 rounds, floor(R / 10) from there (10 to 14 blocks: floor(R / floor(R / 10))). */
export function roundsPerBlock(rounds: number): number {
  return rounds < BLOCKS_FROM_ROUNDS ? 1 : Math.floor(rounds / (BLOCKS_FROM_ROUNDS / 2));
}

/** Sums of consecutive blocks of `size` values; the last block also takes the remainder. */
export function blockSums(d: ArrayLike<number>, size: number): Float64Array {
  const count = Math.max(1, Math.floor(d.length / size));
  const out = new Float64Array(count);
  for (let r = 0; r < d.length; r++) out[Math.min(count - 1, Math.floor(r / size))] += d[r]!;
  return out;
}

export interface CombinedScore {
  z: number;
  /** One-sided p-value for "sum d > 0". */
  p: number;
  /** The mirrored one-sided p-value, for "sum d < 0" (the same reference, the other tail). */
  pLower: number;
  reference: 'sign-flip' | 'block sign-flip' | 'none';
  /** Rounds flipped together (1: each round on its own). */
  blockSize: number;
}

/** All 2^h signed sums of a[from .. from+h-1], each summed directly (no drift from updates). */
function halfSums(a: Float64Array, from: number, h: number): Float64Array {
  const out = new Float64Array(1 << h);
  for (let mask = 0; mask < out.length; mask++) {
    let s = 0;
    for (let i = 0; i < h; i++) s += mask & (1 << i) ? a[from + i]! : -a[from + i]!;
    out[mask] = s;
  }
  return out;
}

/**
 * Exact sign-flip p-values of the sum: the shares of the 2^R assignments with sum >= observed sum
 * - tol (upper) and <= observed sum + tol (lower), where tol = 1e-9 * sum |d| absorbs rounding so
 * that tied sums count as ties. Meet in the middle: the sums of the two halves are combined by
 * sorting one half and binary search.
 */
export function signFlipPValues(d: ArrayLike<number>): { upper: number; lower: number } {
  const R = d.length;
  const abs = new Float64Array(R);
  let observed = 0;
  let scale = 0;
  for (let r = 0; r < R; r++) {
    abs[r] = Math.abs(d[r]!);
    observed += d[r]!;
    scale += abs[r]!;
  }
  const tol = 1e-9 * scale;
  const h = R >> 1;
  const left = halfSums(abs, 0, h);
  const right = halfSums(abs, h, R - h).sort();
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < left.length; i++) {
    upper += right.length - firstAtLeast(right, observed - tol - left[i]!);
    lower += firstAbove(right, observed + tol - left[i]!);
  }
  return { upper: upper / 2 ** R, lower: lower / 2 ** R };
}

/** First index of the sorted array with a[idx] >= v. */
function firstAtLeast(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index of the sorted array with a[idx] > v (= how many are <= v). */
function firstAbove(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Combined one-sided test of the per-round scores d, both tails, by the exact sign-flip reference
 * of their block sums (blocks of one round below 20 rounds). R = 0 or all block sums 0 -> { z: 0,
 * p: 1, pLower: 1, reference: 'none' }. Throws on non-finite d.
 */
export function combineScores(d: ArrayLike<number>): CombinedScore {
  for (let r = 0; r < d.length; r++) if (!Number.isFinite(d[r]!)) throw new Error('combineScores: non-finite score');
  const blockSize = roundsPerBlock(d.length);
  const sums = blockSize === 1 ? d : blockSums(d, blockSize);
  let sum = 0;
  let sumSq = 0;
  for (let j = 0; j < sums.length; j++) {
    sum += sums[j]!;
    sumSq += sums[j]! * sums[j]!;
  }
  if (d.length === 0 || sumSq === 0) return { z: 0, p: 1, pLower: 1, reference: 'none', blockSize };
  const { upper, lower } = signFlipPValues(sums);
  return { z: sum / Math.sqrt(sumSq), p: upper, pLower: lower, reference: blockSize === 1 ? 'sign-flip' : 'block sign-flip', blockSize };
}

/**
 * Exact one-sided sign-flip p of "sum d > 0" for integer d (Fisher-Pitman paired randomization test):
 * under H0 each |d_r| takes either sign with probability 1/2, independently. With integer values the
 * null law of the sum is a convolution over integers, so it is computed exactly for any number of
 * rounds in O(R * sum |d|) (the shift algorithm for integer scores: B. Streitberg & J. Röhmel,
 * Statistical Software Newsletter 12 (1986) 10-17; M. Pagano & D. Tritchler, JASA 78 (1983) 435-440),
 * where the meet-in-the-middle enumeration above would need 2^(R/2) sums. Zeros contribute nothing.
 * The sum is 2 K - sum |d| with K the sum of the |d_r| given a + sign, so P(sum >= observed) is
 * P(K >= sum of the positive d_r), and K's law is the subset-sum law of the |d_r| at probability 1/2.
 */
export function integerSignFlipPValue(d: ArrayLike<number>): number {
  const magnitudes: number[] = [];
  let positive = 0;
  for (let r = 0; r < d.length; r++) {
    const v = d[r]!;
    if (!Number.isInteger(v)) throw new Error(`integerSignFlipPValue: need integers, got ${v}`);
    if (v !== 0) magnitudes.push(Math.abs(v));
    if (v > 0) positive += v;
  }
  if (magnitudes.length === 0) return 1;
  const total = magnitudes.reduce((a, b) => a + b, 0);
  // law[k] = P(K = k), built one round at a time (each step halves, so no count overflows).
  let law = new Float64Array(total + 1);
  law[0] = 1;
  let reach = 0;
  for (const a of magnitudes) {
    const next = new Float64Array(total + 1);
    for (let k = 0; k <= reach; k++) {
      next[k] += law[k]! / 2;
      next[k + a] += law[k]! / 2;
    }
    reach += a;
    law = next;
  }
  let p = 0;
  for (let k = positive; k <= total; k++) p += law[k]!;
  return Math.min(1, p);
}
