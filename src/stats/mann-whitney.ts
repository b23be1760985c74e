/**
 * Mann-Whitney U test (H. B. Mann & D. R. Whitney, Ann. Math. Statist. 18 (1947) 50-60), with
 * the conventions of scipy.stats.mannwhitneyu (SciPy 1.17):
 *  - u is U of x: R_x - n_x (n_x + 1) / 2, R_x the mid-rank sum of x in the pooled sample;
 *  - 'greater' means x is stochastically greater than y; 'two-sided' uses max(U_x, U_y), p doubled;
 *  - asymptotic: normal approximation with the tie-corrected variance
 *    n_x n_y / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1))) and, by default, a continuity
 *    correction of 1/2 toward the null;
 *  - exact: null distribution of U without tie correction, from the generating function
 *    prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i) (Gaussian binomial coefficient; G. E. Andrews,
 *    "The Theory of Partitions" (1976), ch. 3), the statistic truncated to an integer as SciPy does;
 *  - 'auto': asymptotic when both samples have more than 8 observations, else exact unless
 *    there are ties (SciPy's _mwu_choose_method).
 */
import { midRanks } from './ranks';
import { normalSf } from './normal';

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface MannWhitneyOptions {
  alternative?: Alternative;
  continuity?: boolean;
  method?: 'auto' | 'exact' | 'asymptotic';
}

export interface MannWhitneyResult {
  /** U statistic of x (number of pairs x > y, ties counting 1/2). */
  u: number;
  /**
   * Standardised U of x under the normal approximation (tie-corrected, continuity-corrected
   * toward the null in the direction of the alternative); positive when x tends to be larger.
   * Reported also when the p-value comes from the exact distribution.
   */
  z: number;
  p: number;
  method: 'exact' | 'asymptotic';
}

/** Number of arrangements with U = u, u = 0..m*n, as doubles (exact while C(m+n, m) < 2^53). */
function uCountsFloat(m: number, n: number): Float64Array {
  const len = m * n + 1;
  const c = new Float64Array(len);
  c[0] = 1;
  for (let i = 1; i <= m; i++) {
    const top = i * n; // degree of [n+i choose i]_q
    const shift = n + i;
    for (let k = top; k >= shift; k--) c[k] = c[k]! - c[k - shift]!; // * (1 - q^(n+i))
    for (let k = i; k <= top; k++) c[k] = c[k]! + c[k - i]!; // / (1 - q^i)
  }
  return c;
}

/** Same counts in exact integer arithmetic. */
function uCountsBig(m: number, n: number): bigint[] {
  const len = m * n + 1;
  const c: bigint[] = new Array<bigint>(len).fill(0n);
  c[0] = 1n;
  for (let i = 1; i <= m; i++) {
    const top = i * n;
    const shift = n + i;
    for (let k = top; k >= shift; k--) c[k] = c[k]! - c[k - shift]!;
    for (let k = i; k <= top; k++) c[k] = c[k]! + c[k - i]!;
  }
  return c;
}

function binomialBig(n: number, k: number): bigint {
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}

/** bigint ratio a / b as a double, also when both exceed the double range. */
function bigRatio(a: bigint, b: bigint): number {
  const bits = b.toString(2).length;
  const drop = bits > 1000 ? BigInt(bits - 1000) : 0n;
  return Number(a >> drop) / Number(b >> drop);
}

/** P(U >= k) under H0 for sample sizes m, n (no ties), U symmetric on 0..m*n. */
export function mannWhitneyExactSf(k: number, m: number, n: number): number {
  const lo = Math.min(m, n);
  const hi = Math.max(m, n);
  const mn = lo * hi;
  if (k <= 0) return 1;
  if (k > mn) return 0;
  // P(U >= k) = P(U <= mn - k) by symmetry; sum the shorter side.
  const upper = k > mn / 2; // sum counts k..mn == counts 0..mn-k
  const to = upper ? mn - k : k - 1; // upper: P = S(0..mn-k); lower: P = 1 - S(0..k-1)
  const total = binomialBig(lo + hi, lo);
  if (total < 2n ** 53n) {
    const c = uCountsFloat(lo, hi);
    let s = 0;
    for (let u = 0; u <= to; u++) s += c[u]!;
    const t = Number(total);
    return upper ? s / t : (t - s) / t;
  }
  const c = uCountsBig(lo, hi);
  let s = 0n;
  for (let u = 0; u <= to; u++) s += c[u]!;
  return upper ? bigRatio(s, total) : bigRatio(total - s, total);
}

/** SciPy's 'auto' rule. */
function chooseMethod(n1: number, n2: number, ties: boolean): 'exact' | 'asymptotic' {
  if (n1 > 8 && n2 > 8) return 'asymptotic';
  return ties ? 'asymptotic' : 'exact';
}

/**
 * Mann-Whitney U test of x against y. Throws on an empty sample or NaN values, and on unknown
 * options. When every observation is tied the asymptotic variance is 0: p is 1 with the
 * continuity correction and NaN without it (as in SciPy).
 */
export function mannWhitney(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  opts: MannWhitneyOptions = {},
): MannWhitneyResult {
  const alternative = opts.alternative ?? 'two-sided';
  const continuity = opts.continuity ?? true;
  const methodOpt = opts.method ?? 'auto';
  if (alternative !== 'two-sided' && alternative !== 'greater' && alternative !== 'less') {
    throw new Error(`mannWhitney: unknown alternative '${String(alternative)}'`);
  }
  if (methodOpt !== 'auto' && methodOpt !== 'exact' && methodOpt !== 'asymptotic') {
    throw new Error(`mannWhitney: unknown method '${String(methodOpt)}'`);
  }
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new Error('mannWhitney: both samples must be non-empty');
  const pooled = new Float64Array(n1 + n2);
  for (let i = 0; i < n1; i++) pooled[i] = x[i]!;
  for (let j = 0; j < n2; j++) pooled[n1 + j] = y[j]!;
  const { ranks, tieSum } = midRanks(pooled);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  const mu = (n1 * n2) / 2;
  const n = n1 + n2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieSum / (n * (n - 1))));
  const cc = continuity ? 0.5 : 0;

  let u: number;
  let factor: number;
  if (alternative === 'greater') [u, factor] = [u1, 1];
  else if (alternative === 'less') [u, factor] = [u2, 1];
  else [u, factor] = [Math.max(u1, u2), 2];

  const method = methodOpt === 'auto' ? chooseMethod(n1, n2, tieSum > 0) : methodOpt;
  let p: number;
  if (method === 'exact') {
    p = mannWhitneyExactSf(Math.trunc(u), n1, n2);
  } else {
    p = normalSf((u - mu - cc) / sd);
  }
  p = Math.min(1, Math.max(0, p * factor));

  const d = u1 - mu;
  let z: number;
  if (alternative === 'greater') z = (d - cc) / sd;
  else if (alternative === 'less') z = (d + cc) / sd;
  else z = d === 0 ? 0 : (Math.sign(d) * Math.max(Math.abs(d) - cc, 0)) / sd;
  return { u: u1, z, p, method };
}
