/**
 * The tail test's numerics: per round, the pooled (both arms) upper quantile q at a level L, and each
 * arm's share of requests strictly above it; then the sign-flip test of the rounds' differences.
 *
 * The quantile is Hyndman & Fan's (1996) type 7 (numpy.quantile's default), of the union of the two
 * sorted arms with the candidate shifted by `shift` (its values minus shift), found by selection on
 * the two sorted arrays, O(log n) per round, with no merged copy.
 *
 * The sign-flip reference is Fisher's (1935) randomization test of the sum of per-round differences
 * (each round's sign is its coin under H0): exact over all 2^R assignments up to EXACT_SIGN_FLIP_ROUNDS
 * (meet in the middle, signFlipPValues), and beyond it a Monte Carlo randomization test with a fixed
 * seed, p = (1 + #{draws >= observed}) / (1 + draws), which keeps the test's level exactly for any
 * number of draws (B. Phipson & G. K. Smyth, "Permutation p-values should never be zero",
 * Stat. Appl. Genet. Mol. Biol. 9(1) (2010), article 39). The fixed seed makes p a deterministic
 * function of the data, so the interval inverted from it is well defined.
 */
import { Prng } from '../experiment/prng';
import { signFlipPValues } from './sign-flip';

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

/** Rounds up to which the sign-flip reference is enumerated exactly (2^12 sums a half); Monte Carlo beyond. */
export const EXACT_SIGN_FLIP_ROUNDS = 24;
/** Monte Carlo sign assignments beyond EXACT_SIGN_FLIP_ROUNDS, and their fixed seed. */
export const SIGN_FLIP_DRAWS = 9999;
export const SIGN_FLIP_SEED = 0x7a11;

export interface SignFlipSumTest {
  /** One-sided p of "sum d > 0" and the mirrored one of "sum d < 0". */
  upper: number;
  lower: number;
  method: 'exact' | 'monte-carlo';
}

export interface SignFlipOptions {
  exactUpTo?: number;
  draws?: number;
  seed?: number;
}

/** Sign-flip p-values of the sum of d over its rounds: exact up to `exactUpTo` rounds, Monte Carlo beyond. */
export function signFlipSumTest(d: ArrayLike<number>, opts: SignFlipOptions = {}): SignFlipSumTest {
  let scale = 0;
  for (let r = 0; r < d.length; r++) {
    if (!Number.isFinite(d[r]!)) throw new Error('signFlipSumTest: non-finite difference');
    scale += Math.abs(d[r]!);
  }
  if (scale === 0) return { upper: 1, lower: 1, method: 'exact' };
  if (d.length <= (opts.exactUpTo ?? EXACT_SIGN_FLIP_ROUNDS)) return { ...signFlipPValues(d), method: 'exact' };
  return monteCarloSignFlip(d, scale, opts.draws ?? SIGN_FLIP_DRAWS, opts.seed ?? SIGN_FLIP_SEED);
}

function monteCarloSignFlip(d: ArrayLike<number>, scale: number, draws: number, seed: number): SignFlipSumTest {
  const rng = new Prng(seed);
  const tol = 1e-9 * scale;
  let observed = 0;
  for (let r = 0; r < d.length; r++) observed += d[r]!;
  let atLeast = 0;
  let atMost = 0;
  for (let b = 0; b < draws; b++) {
    const s = randomlySignedSum(d, rng);
    if (s >= observed - tol) atLeast++;
    if (s <= observed + tol) atMost++;
  }
  return { upper: (1 + atLeast) / (1 + draws), lower: (1 + atMost) / (1 + draws), method: 'monte-carlo' };
}

/** sum of +-|d_r| with independent fair signs, 32 signs per generator word. */
function randomlySignedSum(d: ArrayLike<number>, rng: Prng): number {
  let s = 0;
  let word = 0;
  for (let r = 0; r < d.length; r++) {
    if ((r & 31) === 0) word = rng.nextU32();
    const v = Math.abs(d[r]!);
    s += (word >>> (r & 31)) & 1 ? v : -v;
  }
  return s;
}
