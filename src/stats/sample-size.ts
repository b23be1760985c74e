/**
 * Sample size and power for the Wilcoxon-Mann-Whitney test: G. E. Noether, "Sample size
 * determination for some common nonparametric tests", JASA 82 (1987) 645-647:
 *   N = (z_{1-alpha} + z_{power})^2 / (12 t (1 - t) (p - 1/2)^2), one-sided,
 * t the share of the total in one arm, p = P(candidate > baseline) (+ ties / 2). p is estimated
 * from a pilot sample shifted by the effect of interest, as in M. Happ, A. C. Bathke &
 * E. Brunner, "Optimal sample size planning for the Wilcoxon-Mann-Whitney test", Stat. Med. 38
 * (2019) 363-375. Autocorrelated data inflate the variance by (1 + r_1)/(1 - r_1) (AR(1)
 * variance of a mean; Box & Jenkins 1970).
 */
import { normalCdf, normalQuantile } from './normal';
import { pairCounts } from './pair-count';

export interface NoetherInput {
  alpha: number;
  power: number;
  p: number;
  t?: number;
}

export interface PowerInput {
  total: number;
  alpha: number;
  p: number;
  t?: number;
}

function checkOpen01(v: number, name: string): void {
  if (!(v > 0 && v < 1)) throw new Error(`${name} must be in (0, 1), got ${v}`);
}

/** Noether's total sample size (both arms, not rounded); Infinity when p == 1/2. */
export function noetherTotal({ alpha, power, p, t = 0.5 }: NoetherInput): number {
  checkOpen01(alpha, 'alpha');
  checkOpen01(power, 'power');
  checkOpen01(t, 't');
  if (!(p >= 0 && p <= 1)) throw new Error(`p must be in [0, 1], got ${p}`);
  const zsum = normalQuantile(1 - alpha) + normalQuantile(power);
  const effect = (p - 0.5) ** 2;
  if (effect === 0) return Infinity;
  return (zsum * zsum) / (12 * t * (1 - t) * effect);
}

/** One-sided power Phi(sqrt(12 t (1-t) N) |p - 1/2| - z_{1-alpha}) at total size N. */
export function achievedPower({ total, alpha, p, t = 0.5 }: PowerInput): number {
  checkOpen01(alpha, 'alpha');
  checkOpen01(t, 't');
  if (!(total >= 0)) throw new Error(`total must be >= 0, got ${total}`);
  if (!(p >= 0 && p <= 1)) throw new Error(`p must be in [0, 1], got ${p}`);
  return normalCdf(Math.sqrt(12 * t * (1 - t) * total) * Math.abs(p - 0.5) - normalQuantile(1 - alpha));
}

/**
 * p = P(X' + shift > X) + P(X' + shift = X) / 2 for X, X' drawn independently (with
 * replacement) from the pilot: all n^2 ordered pairs, including the n pairs of an
 * observation with itself (so shift = 0 gives exactly 1/2). O(n) with pairCounts.
 * Input sorted ascending, on the scale the shift applies to (e.g. log latency). Throws if empty.
 */
export function superiorityFromPilot(sortedPilot: Float64Array, shift: number): number {
  const n = sortedPilot.length;
  if (n === 0) throw new Error('superiorityFromPilot: empty pilot');
  // pairCounts counts y_j - s > x_i; with s = -shift that is x'_j + shift > x_i.
  const { greater, equal } = pairCounts(sortedPilot, sortedPilot, -shift);
  return (greater + equal / 2) / (n * n);
}

/** (1 + r1)/(1 - r1) with r1 clamped to [0, 0.9]. Throws on NaN. */
export function varianceInflation(r1: number): number {
  if (Number.isNaN(r1)) throw new Error('varianceInflation: r1 is NaN');
  const r = Math.min(0.9, Math.max(0, r1));
  return (1 + r) / (1 - r);
}
