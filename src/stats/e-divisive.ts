/**
 * E-divisive means: nonparametric multiple change point detection by recursive bisection with a
 * permutation significance level. D. S. Matteson & N. A. James, "A Nonparametric Approach for
 * Multiple Change Point Analysis of Multivariate Data", JASA 109(505) (2014) 334-345, sections 2.1-2.3,
 * for univariate series with the paper's alpha = 1 (divergence of absolute differences).
 *
 * For a segment Z[a..b) and a split a < tau < kappa <= b, X = Z[a..tau), Y = Z[tau..kappa),
 *   E = 2/(mn) sum|X_i - Y_j| - C(m,2)^-1 sum_{i<k}|X_i - X_k| - C(n,2)^-1 sum_{j<k}|Y_j - Y_k|,
 *   Q = mn/(m+n) E,
 * and the segment's candidate is the (tau, kappa) maximising Q (the change point is tau). Each step takes
 * the segment whose candidate has the largest Q; the permutation test shuffles the observations within
 * every current segment R times and recomputes that maximum; p = (1 + #{perm >= observed}) / (R + 1).
 * A candidate with p <= the significance level is a change point and the search goes on; else it stops.
 *
 * Written here rather than taken from a package: no maintained JavaScript implementation exists (the
 * paper's own is R's `ecp`). All (tau, kappa) of a segment of length L are scanned in O(L^2) time and
 * O(L) memory from running sums of absolute differences (W(i, j) = within-sum of Z[i..j)):
 * between(a, tau, kappa) = W(a, kappa) - W(a, tau) - W(tau, kappa).
 */
import { Prng } from '../experiment/prng';

export interface EDivisiveOptions {
  /** Smallest segment on either side of a change point (the paper's `min.size`); default 5. */
  minSize?: number;
  /** Significance level of the permutation test; default 0.05. */
  significance?: number;
  /** Permutations per test; default 199 (as `ecp`). */
  permutations?: number;
  /** Seed of the permutations (xoshiro128**), so a history always gives the same answer. */
  seed?: number;
}

export interface SplitCandidate {
  /** Index of the first observation after the change. */
  tau: number;
  /** End (exclusive) of the Y sample that maximised Q. */
  kappa: number;
  q: number;
}

export interface ChangePointTest extends SplitCandidate {
  /** Permutation p-value of this candidate. */
  p: number;
}

export interface EDivisiveResult {
  /** Accepted change points, sorted ascending (index of the first observation after each). */
  changePoints: number[];
  /** Every test made, in order; the last one is the candidate that was rejected (when any). */
  tests: ChangePointTest[];
}

/** Q(tau, kappa) of the split X = z[a..tau), Y = z[tau..kappa) (alpha = 1); for tests and references. */
export function divergence(z: ArrayLike<number>, a: number, tau: number, kappa: number): number {
  const m = tau - a;
  const n = kappa - tau;
  if (m < 2 || n < 2) throw new RangeError('divergence: both samples need at least 2 observations');
  let between = 0;
  let withinX = 0;
  let withinY = 0;
  for (let i = a; i < tau; i++) for (let j = tau; j < kappa; j++) between += Math.abs(z[i]! - z[j]!);
  for (let i = a; i < tau; i++) for (let k = i + 1; k < tau; k++) withinX += Math.abs(z[i]! - z[k]!);
  for (let j = tau; j < kappa; j++) for (let k = j + 1; k < kappa; k++) withinY += Math.abs(z[j]! - z[k]!);
  const e = (2 * between) / (m * n) - withinX / ((m * (m - 1)) / 2) - withinY / ((n * (n - 1)) / 2);
  return ((m * n) / (m + n)) * e;
}

/** The best (tau, kappa) of segment z[a..b) with both sides >= minSize, or null when it is too short. */
export function bestSplit(z: ArrayLike<number>, a: number, b: number, minSize: number): SplitCandidate | null {
  const len = b - a;
  if (len < 2 * minSize) return null;
  // prefix[t] = W(a, a + t): within-sum of the first t observations.
  const prefix = new Float64Array(len + 1);
  for (let t = 1; t < len; t++) {
    let add = 0;
    for (let i = 0; i < t; i++) add += Math.abs(z[a + t]! - z[a + i]!);
    prefix[t + 1] = prefix[t]! + add;
  }
  // row[k] = W(a + s, a + k) for the current s, built from s = len - 1 down to 0.
  const row = new Float64Array(len + 1);
  let best: SplitCandidate | null = null;
  for (let s = len - 1; s >= minSize; s--) {
    let run = 0;
    for (let k = s + 2; k <= len; k++) {
      run += Math.abs(z[a + s]! - z[a + k - 1]!);
      row[k] = row[k]! + run;
    }
    const m = s;
    const wx = prefix[s]! / ((m * (m - 1)) / 2);
    for (let k = s + minSize; k <= len; k++) {
      const n = k - s;
      const between = prefix[k]! - prefix[s]! - row[k]!;
      const q = ((m * n) / (m + n)) * ((2 * between) / (m * n) - wx - row[k]! / ((n * (n - 1)) / 2));
      // Ties keep the smaller tau, then the smaller kappa (s runs downwards, so >= on tau).
      if (best === null || q > best.q || (q === best.q && a + s < best.tau) || (q === best.q && a + s === best.tau && a + k < best.kappa)) {
        best = { tau: a + s, kappa: a + k, q };
      }
    }
  }
  return best;
}

/** The largest candidate over the segments given by their bounds [0, cp1, ..., n]. */
function strongestSplit(z: ArrayLike<number>, bounds: number[], minSize: number): SplitCandidate | null {
  let best: SplitCandidate | null = null;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const c = bestSplit(z, bounds[i]!, bounds[i + 1]!, minSize);
    if (c && (best === null || c.q > best.q)) best = c;
  }
  return best;
}

/** Fisher-Yates shuffle of z[a..b) in place (j drawn by nextInt(i - a + 1), from the end down). */
function shuffleSegment(z: Float64Array, a: number, b: number, rng: Prng): void {
  for (let i = b - 1; i > a; i--) {
    const j = a + rng.nextInt(i - a + 1);
    const t = z[i]!;
    z[i] = z[j]!;
    z[j] = t;
  }
}

/** E-divisive change points of a series (finite values). */
export function eDivisive(series: ArrayLike<number>, options: EDivisiveOptions = {}): EDivisiveResult {
  const minSize = options.minSize ?? 5;
  const significance = options.significance ?? 0.05;
  const permutations = options.permutations ?? 199;
  if (!Number.isInteger(minSize) || minSize < 2) throw new RangeError('eDivisive: minSize must be an integer >= 2');
  if (!Number.isInteger(permutations) || permutations < 1) throw new RangeError('eDivisive: permutations must be an integer >= 1');
  const z = Float64Array.from(series);
  if (z.some((v) => !Number.isFinite(v))) throw new RangeError('eDivisive: the series must be finite');
  const rng = new Prng(options.seed ?? 1);
  const bounds = [0, z.length];
  const tests: ChangePointTest[] = [];
  const work = new Float64Array(z.length);
  for (;;) {
    const found = strongestSplit(z, bounds, minSize);
    if (!found) break;
    let atLeast = 0;
    for (let r = 0; r < permutations; r++) {
      work.set(z);
      for (let i = 0; i + 1 < bounds.length; i++) shuffleSegment(work, bounds[i]!, bounds[i + 1]!, rng);
      const perm = strongestSplit(work, bounds, minSize);
      if (perm && perm.q >= found.q) atLeast++;
    }
    const p = (1 + atLeast) / (1 + permutations);
    tests.push({ ...found, p });
    if (p > significance) break;
    bounds.push(found.tau);
    bounds.sort((x, y) => x - y);
  }
  return { changePoints: bounds.slice(1, -1), tests };
}
