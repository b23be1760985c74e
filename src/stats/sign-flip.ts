/**
 * Combination of per-round scores by a self-normalised sum, Z = sum d / sqrt(sum d^2), with a
 * randomization (sign-flip) reference: under H0 each d_r is symmetric about 0 independently,
 * so all 2^R sign assignments of |d_r| are equally likely (R. A. Fisher, "The Design of
 * Experiments" (1935), section 21; E. J. G. Pitman, JRSS Suppl. 4 (1937) 119-130).
 * For R > 16 the t(R-1) reference via t = Z sqrt((R-1)/(R - Z^2)) (the one-sample t statistic
 * written in terms of the self-normalised sum; Efron, JASA 64 (1969) 1278-1302).
 */
import { tSf } from './student-t';

export interface CombinedScore {
  z: number;
  /** One-sided p-value for "sum d > 0". */
  p: number;
  /** The mirrored one-sided p-value, for "sum d < 0" (the same reference, the other tail). */
  pLower: number;
  reference: 'sign-flip' | 't' | 'none';
}

/** Largest R for which the exact sign-flip distribution is enumerated. */
export const MAX_EXACT_ROUNDS = 16;

/**
 * t = z sqrt((R - 1)/(R - z^2)); +-Infinity when z^2 >= R (1 - 1e-12), i.e. all d equal up to
 * rounding (by Cauchy-Schwarz z^2 <= R).
 */
export function tFromSelfNormalised(z: number, R: number): number {
  const rest = R - z * z;
  if (!(rest > 1e-12 * R)) return z > 0 ? Infinity : z < 0 ? -Infinity : 0;
  return z * Math.sqrt((R - 1) / rest);
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

/** Exact sign-flip p for "sum d > 0". */
export function signFlipPValue(d: ArrayLike<number>): number {
  return signFlipPValues(d).upper;
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
 * Combined one-sided test of the per-round scores d, both tails. R = 0 or all d = 0 -> { z: 0,
 * p: 1, pLower: 1, reference: 'none' }. R <= 16: exact sign-flip p. R > 16: t(R-1) reference; when Z^2 >= R
 * (every d equal, up to a relative 1e-12) t is infinite and p is 0 (Z > 0) or 1 (Z < 0). Throws on non-finite d.
 */
export function combineScores(d: ArrayLike<number>): CombinedScore {
  const R = d.length;
  let sum = 0;
  let sumSq = 0;
  for (let r = 0; r < R; r++) {
    const v = d[r]!;
    if (!Number.isFinite(v)) throw new Error('combineScores: non-finite score');
    sum += v;
    sumSq += v * v;
  }
  if (R === 0 || sumSq === 0) return { z: 0, p: 1, pLower: 1, reference: 'none' };
  const z = sum / Math.sqrt(sumSq);
  if (R <= MAX_EXACT_ROUNDS) {
    const { upper, lower } = signFlipPValues(d);
    return { z, p: upper, pLower: lower, reference: 'sign-flip' };
  }
  const t = tFromSelfNormalised(z, R);
  return { z, p: tSf(t, R - 1), pLower: tSf(-t, R - 1), reference: 't' };
}
