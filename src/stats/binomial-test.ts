/**
 * Exact one-sided binomial test: P(X >= x) for X ~ Bin(k, pi), through the regularized incomplete
 * beta, P(X >= x) = I_pi(x, k - x + 1) (Abramowitz & Stegun 26.5.24), as
 * scipy.stats.binomtest(x, k, pi, alternative='greater').
 */
import { regularizedBeta } from './incomplete-beta';

export function binomialUpperTail(x: number, k: number, pi: number): number {
  if (!(Number.isInteger(x) && Number.isInteger(k) && k >= 0 && x <= k)) throw new Error(`binomialUpperTail: need integers 0 <= x <= k, got ${x}, ${k}`);
  if (!(pi >= 0 && pi <= 1)) throw new Error(`binomialUpperTail: pi must be in [0, 1], got ${pi}`);
  if (x <= 0) return 1;
  return regularizedBeta(pi, x, k - x + 1);
}
