/**
 * Student t distribution CDF and upper tail through the regularized incomplete beta:
 * P(T > t) = I_{df/(df+t^2)}(df/2, 1/2) / 2 for t > 0 (Abramowitz & Stegun 26.7.1 / 26.5.27;
 * Numerical Recipes 3rd ed. section 6.14).
 */
import { normalCdf, normalSf } from './normal';
import { regularizedBeta } from './incomplete-beta';

/** Two-sided tail P(|T| > |x|), with 1 - x formed exactly as x^2/(df + x^2). */
function twoSidedTail(x: number, df: number): number {
  const x2 = x * x;
  const denom = df + x2;
  return regularizedBeta(df / denom, df / 2, 0.5, x2 / denom);
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
  if (Number.isNaN(x) || Number.isNaN(df) || !(df > 0)) return NaN;
  if (df === Infinity) return normalSf(x);
  if (x === Infinity) return 0;
  if (x === -Infinity) return 1;
  const half = 0.5 * twoSidedTail(x, df);
  return x > 0 ? half : 1 - half;
}
