/**
 * Permutation test of serial correlation (A. Wald & J. Wolfowitz, "An exact test for randomness in
 * the non-parametric case based on serial correlation", Ann. Math. Statist. 14 (1943) 378-388):
 * the circular lag-1 sum R = sum_t x_t x_{t+1} (x_{n+1} = x_1) has, over all orderings of the
 * observed values, the mean and variance below (their eqs. for E(R) and sigma^2(R), with
 * S_k = sum x^k); standardised, it is approximately normal. Positive serial correlation makes R large.
 */
import { normalSf } from './normal';

export interface SerialCorrelationTest {
  /** (R - E R) / sd R under random order. */
  z: number;
  /** One-sided p for positive serial correlation (normal approximation). */
  p: number;
}

/** Mean and variance of the circular lag-1 sum over all orderings of x (n >= 4). */
export function circularLag1Moments(x: ArrayLike<number>): { mean: number; variance: number } {
  const n = x.length;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    s1 += v;
    s2 += v * v;
    s3 += v * v * v;
    s4 += v * v * v * v;
  }
  const mean = (s1 * s1 - s2) / (n - 1);
  const variance =
    (s2 * s2 - s4) / (n - 1) +
    (s1 ** 4 - 4 * s1 * s1 * s2 + 4 * s1 * s3 + s2 * s2 - 2 * s4) / ((n - 1) * (n - 2)) -
    mean * mean;
  return { mean, variance };
}

/** The test on x; z = 0, p = 1 when n < 4 or every value is equal. */
export function serialCorrelationTest(x: ArrayLike<number>): SerialCorrelationTest {
  const n = x.length;
  if (n < 4) return { z: 0, p: 1 };
  let r = 0;
  for (let i = 0; i < n; i++) r += x[i]! * x[(i + 1) % n]!;
  const { mean, variance } = circularLag1Moments(x);
  if (!(variance > 1e-12 * Math.max(1, mean * mean))) return { z: 0, p: 1 };
  const z = (r - mean) / Math.sqrt(variance);
  return { z, p: normalSf(z) };
}
