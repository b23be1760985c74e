/**
 * Student t distribution CDF and upper tail through jstat's regularized incomplete beta:
 * P(|T| > |x|) = I_{df/(df+x^2)}(df/2, 1/2) (Abramowitz & Stegun 26.7.1 / 26.5.27). Not
 * jStat.studentt.cdf: its argument (x + sqrt(x^2 + df)) cancels for large negative x, so its tail
 * is 0 where SciPy's is 1e-9 (df = 1). Accuracy against scipy.stats.t: see __tests__/stats/student-t.test.ts.
 */
import { regularizedBeta } from './incomplete-beta';
import { normalCdf } from './normal';

/** P(|T| > |x|). */
function twoSidedTail(x: number, df: number): number {
  return regularizedBeta(df / (df + x * x), df / 2, 0.5);
}

/** P(T <= x) for T ~ t(df), df > 0 (df = Infinity gives the normal). NaN for df <= 0 or NaN. */
export function tCdf(x: number, df: number): number {
  if (Number.isNaN(x) || Number.isNaN(df) || !(df > 0)) return NaN;
  if (df === Infinity) return normalCdf(x);
  if (x === Infinity) return 1;
  if (x === -Infinity) return 0;
  const half = 0.5 * twoSidedTail(x, df);
  return x > 0 ? 1 - half : half;
}

/** P(T > x) for T ~ t(df), accurate in the upper tail. */
export function tSf(x: number, df: number): number {
  return tCdf(-x, df);
}
