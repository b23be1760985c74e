// The tail test (docs/method.md, "The tail test"): a hook that stalls now and then leaves the median
// where it was, so the rank test of the whole distribution barely sees it. Per round, the pooled
// (both arms) upper quantile at the `tail` level, and the candidate's minus the baseline's share of
// requests above it; those per-round differences are sign-flipped across rounds, the round being the
// randomized unit. The budget (`tail-threshold`) is tested as the latency test's is: the candidate
// shifted down by it before the quantile is taken. The estimate and its interval come from the same
// statistic with the candidate shifted by a hypothesised amount.
import { quantileSorted, signFlipSumTest, tailShares } from '../stats';
import type { TailLevelName, TailReport, Threshold } from '../types';
import { shiftLimits, type Scale, type SortedArms } from './analysis';
import type { PreparedRound } from './prepared-round';
import { invertTest, type TwoSidedP } from './test-inversion';

/** The quantile level of each `tail` setting. */
export const TAIL_LEVELS: Record<TailLevelName, number> = { p95: 0.95, p99: 0.99, 'p99.9': 0.999 };

/** The tail test's share of alpha when it is on (docs/method.md, "How alpha is split"). */
export const TAIL_ALPHA_SHARE = 0.2;

/**
 * Requests above the tail quantile, both arms, the run must hold before it may end (a floor on its
 * size, like min-rounds): ~4 per round of 400 at p99, and sign flips over rounds with so few need
 * tens of rounds to see a stall in 1 % of requests (docs/method.md, "The tail test").
 */
export const TAIL_EXCEEDANCES = 200;

/** The requests the tail test needs at a quantile level: TAIL_EXCEEDANCES above it. */
export function tailRequests(level: number): number {
  return Math.ceil(TAIL_EXCEEDANCES / (1 - level));
}

export interface TailLook {
  level: number;
  /** One-sided p of "the candidate's tail is shifted by more than the budget", and its mirror. */
  p: number;
  pBelow: number;
  /** Rounds flipped together (1: each on its own). */
  blockSize: number;
  /** Per valid round, candidate minus baseline share above the pooled quantile, at the budget. */
  differences: number[];
  /** The budget on the test's scale. */
  scaleBudget: number;
}

/** Per-round candidate-minus-baseline shares above the pooled quantile, the candidate shifted down by `shift`. */
export function tailDifferences(rounds: SortedArms[], level: number, shift: number): number[] {
  return rounds.map((r) => {
    const s = tailShares(r.baseline, r.candidate, level, shift);
    return s.candidate - s.baseline;
  });
}

/** Both one-sided sign-flip p-values of the differences at a hypothesised shift. */
export function tailTestAt(rounds: SortedArms[], level: number, shift: number): TwoSidedP {
  const t = signFlipSumTest(tailDifferences(rounds, level, shift));
  return { up: t.upper, down: t.lower };
}

/** The baseline's tail quantile, averaged over the rounds (ns): what a relative tail budget is relative to. */
export function baselineTail(rounds: PreparedRound[], level: number): number {
  return rounds.reduce((s, r) => s + quantileSorted(r.ns.baseline, level), 0) / rounds.length;
}

/** The tail budget on a scale: a ratio of tails on the log scale, an amount in ns. */
export function tailBudget(threshold: Threshold, scale: Scale, tailNs: number): number {
  if ('relative' in threshold) return scale === 'log' ? Math.log1p(threshold.relative) : threshold.relative * tailNs;
  return scale === 'ns' ? threshold.ns : Math.log1p(threshold.ns / tailNs);
}

export function tailScale(threshold: Threshold): Scale {
  return 'relative' in threshold ? 'log' : 'ns';
}

/** The tail test at one look, at the budget. */
export function analyzeTail(all: PreparedRound[], level: number, threshold: Threshold): TailLook {
  const rounds = all.filter((r) => r.valid);
  const scale = tailScale(threshold);
  const scaleBudget = rounds.length ? tailBudget(threshold, scale, baselineTail(rounds, level)) : 0;
  const arms = rounds.map((r) => r[scale]);
  const differences = tailDifferences(arms, level, scaleBudget);
  const t = signFlipSumTest(differences);
  return { level, p: t.upper, pBelow: t.lower, blockSize: t.blockSize, differences, scaleBudget };
}

/**
 * The tail shift estimate on a scale: the shift that, taken off every candidate request, leaves the
 * candidate with as large a share above the rounds' pooled quantile as the baseline (the sum of the
 * differences crosses zero; it is non-increasing in the shift). The midpoint of the crossing, since
 * the sum is a step function that may be zero over a stretch.
 */
export function tailShift(arms: SortedArms[], level: number): number {
  if (arms.length === 0) return NaN;
  const sum = (x: number) => tailDifferences(arms, level, x).reduce((a, b) => a + b, 0);
  const limits = shiftLimits(arms);
  const lastPositive = boundaryOf((x) => sum(x) > 0, limits);
  const firstNegative = boundaryOf((x) => sum(x) >= 0, limits);
  return (lastPositive + firstNegative) / 2;
}

/** Where a predicate that holds up to a point (and not beyond) stops holding, by bisection within the limits. */
function boundaryOf(holds: (x: number) => boolean, [lo, hi]: [number, number]): number {
  if (!holds(lo)) return lo;
  if (holds(hi)) return hi;
  for (let i = 0; i < 200 && hi - lo > 1e-9 * Math.max(1, Math.abs(lo), Math.abs(hi)); i++) {
    const mid = lo + (hi - lo) / 2;
    if (holds(mid)) lo = mid;
    else hi = mid;
  }
  return lo + (hi - lo) / 2;
}

/** The estimate and the interval on one scale, inverted from the tail test at `levelP`, anchored at the budget. */
function tailIntervalOn(rounds: PreparedRound[], scale: Scale, level: number, budget: number, levelP: number): { estimate: number; ci: [number, number] } {
  const arms = rounds.map((r) => r[scale]);
  const estimate = tailShift(arms, level);
  const width = scale === 'log' ? 0.01 : 0.01 * baselineTail(rounds, level);
  const tol = scale === 'log' ? 1e-5 : Math.max(0.5, 1e-5 * baselineTail(rounds, level));
  if (!(levelP > 0)) return { estimate, ci: [-Infinity, Infinity] };
  const ci = invertTest({ test: (x) => tailTestAt(arms, level, x), budget, estimate, width, limits: shiftLimits(arms), tol }, levelP);
  return { estimate, ci };
}

export interface TailEstimate {
  estimate: { ns: number; relative: number };
  ci: { ns: [number, number]; relative: [number, number] };
}

/** The tail shift in ns and relative (a ratio of tails), each with its interval from the same test. */
export function tailEstimate(all: PreparedRound[], level: number, threshold: Threshold, levelP: number): TailEstimate {
  const rounds = all.filter((r) => r.valid);
  if (rounds.length === 0) return { estimate: { ns: NaN, relative: NaN }, ci: { ns: [-Infinity, Infinity], relative: [-1, Infinity] } };
  const tailNs = baselineTail(rounds, level);
  const ns = tailIntervalOn(rounds, 'ns', level, tailBudget(threshold, 'ns', tailNs), levelP);
  const log = tailIntervalOn(rounds, 'log', level, tailBudget(threshold, 'log', tailNs), levelP);
  return {
    estimate: { ns: ns.estimate, relative: Math.expm1(log.estimate) },
    ci: { ns: ns.ci, relative: log.ci.map(Math.expm1) as [number, number] },
  };
}

/** The tail outcome: rejected, shown within the budget (the interval's upper end below it), or neither. */
export function tailOutcome(rejected: boolean, ci: TailEstimate['ci'], threshold: Threshold): TailReport['outcome'] {
  if (rejected) return 'regression';
  const high = 'relative' in threshold ? ci.relative[1] : ci.ns[1];
  return high < ('relative' in threshold ? threshold.relative : threshold.ns) ? 'within-budget' : 'no-regression';
}

/** Rounds in which the candidate had the larger share above the pooled quantile, and the smaller. */
export function tailRoundsBySign(differences: number[]): { more: number; fewer: number } {
  return { more: differences.filter((d) => d > 0).length, fewer: differences.filter((d) => d < 0).length };
}

/** The mean share above the rounds' pooled quantile per arm, unshifted (what the reader compares). */
export function meanTailShares(all: PreparedRound[], level: number): { baseline: number; candidate: number } {
  const rounds = all.filter((r) => r.valid);
  const shares = rounds.map((r) => tailShares(r.ns.baseline, r.ns.candidate, level, 0));
  const mean = (k: 'baseline' | 'candidate') => (shares.length ? shares.reduce((s, x) => s + x[k], 0) / shares.length : 0);
  return { baseline: mean('baseline'), candidate: mean('candidate') };
}
