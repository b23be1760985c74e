// One look at the data: the stratified (van Elteren) Mann-Whitney scores per round, combined
// self-normalised over rounds, tested against the budget; the shift estimated and bounded by
// inverting that same test (docs/method.md, "The test", steps 4-7).
import { concat } from '../arrays';
import {
  bartlettBandwidth,
  bartlettLongRunVariance,
  combineScores,
  lag1,
  mannWhitneyGreaterSorted,
  medianSorted,
  roundScore,
  serialCorrelationTest,
  superiorityFromPilot,
} from '../stats';
import type { Threshold } from '../types';
import type { PreparedRound } from './prepared-round';
import { invertTest, type TwoSidedP } from './test-inversion';

/** Which scale the test works on: log latency for a relative budget, nanoseconds for an absolute one. */
export type Scale = 'log' | 'ns';

export interface LookAnalysis {
  rounds: number;
  invalidRounds: number[];
  warmupRemoved: number;
  n: { baseline: number; candidate: number };
  /** Errors, and requests failed or not, per arm after each round's warm-up cut (all rounds): the error test's counts. */
  errors: { baseline: number; candidate: number };
  /** Failed requests per arm in each round (all rounds, after the warm-up cut): the error test's unit. */
  errorsPerRound: Array<{ baseline: number; candidate: number }>;
  counted: { baseline: number; candidate: number };
  /** Combined statistic and one-sided p at the budget (H0: slowdown <= budget). */
  z: number;
  p: number;
  /** The mirrored one-sided p at the budget (H0: slowdown >= budget): small when the run is clearly within it. */
  pBelow: number;
  reference: string;
  /** The budget on the test's scale (log ratio or ns). */
  scaleBudget: number;
  /** Pooled shift estimates: relative (from log scale) and in ns. */
  shift: { relative: number; ns: number };
  /** The pooled estimate on the test's own scale (log ratio or ns). */
  scaleShift: number;
  /** Per valid round: relative shift estimate. */
  perRound: Array<{ round: number; relative: number; score: number }>;
  median: { baseline: number; candidate: number };
  lag1: { baseline: number; candidate: number };
  /** Variance of the round scores relative to their i.i.d. expectation (>= 1 means noisier than i.i.d.). */
  varianceFactor: number;
  dependence: RoundDependence;
  iidP: number;
}

export interface Interval {
  relative: [number, number];
  ns: [number, number];
}

export function budgetShift(threshold: Threshold, scale: Scale, baselineMedianNs: number): number {
  if ('relative' in threshold) {
    return scale === 'log' ? Math.log1p(threshold.relative) : threshold.relative * baselineMedianNs;
  }
  return scale === 'ns' ? threshold.ns : Math.log1p(threshold.ns / baselineMedianNs);
}

export function scaleOf(threshold: Threshold): Scale {
  return 'relative' in threshold ? 'log' : 'ns';
}

export function analyzeLook(all: PreparedRound[], threshold: Threshold): LookAnalysis {
  const rounds = all.filter((r) => r.valid);
  const errors = sumCounts(all, 'errors');
  const n = { baseline: 0, candidate: 0 };
  for (const r of rounds) {
    n.baseline += r.ns.baseline.length;
    n.candidate += r.ns.candidate.length;
  }
  const median = { baseline: pooledMedian(rounds, 'baseline'), candidate: pooledMedian(rounds, 'candidate') };
  const scale = scaleOf(threshold);
  const delta0 = budgetShift(threshold, scale, median.baseline);
  const scores = rounds.map((r) => roundScore(r[scale].baseline, r[scale].candidate, delta0));
  const combined = combineScores(scores);
  const standardised = standardisedScores(rounds, scores);
  const dependence = roundDependence(standardised);
  return {
    rounds: rounds.length,
    invalidRounds: all.filter((r) => !r.valid).map((r) => r.round),
    warmupRemoved: all.reduce((s, r) => s + r.cut, 0),
    n,
    errors,
    errorsPerRound: all.map((r) => r.errors),
    counted: sumCounts(all, 'counted'),
    z: combined.z,
    p: combined.p,
    pBelow: combined.pLower,
    reference: combined.reference,
    scaleBudget: delta0,
    ...shiftEstimates(rounds, scale),
    perRound: rounds.map((r, i) => ({
      round: r.round,
      relative: Math.expm1(pooledShift([r], 'log')),
      score: scores[i],
    })),
    median,
    lag1: meanLag1(rounds),
    varianceFactor: varianceFactor(standardised, dependence.spread, combined.z),
    dependence,
    iidP: iidMannWhitneyP(rounds, scale, delta0),
  };
}

/**
 * The pooled estimate on each scale: a ratio from log latency, an additive shift from ns (a hook's
 * cost per request is additive: converting the ratio through the median overstates it on a
 * right-skewed distribution by 10-15 %).
 */
function shiftEstimates(rounds: PreparedRound[], scale: Scale): { shift: { relative: number; ns: number }; scaleShift: number } {
  const log = pooledShift(rounds, 'log');
  const ns = pooledShift(rounds, 'ns');
  return { shift: { relative: Math.expm1(log), ns }, scaleShift: scale === 'log' ? log : ns };
}

/** One round's arms, each sorted ascending, on the scale being tested. */
export interface SortedArms {
  baseline: Float64Array;
  candidate: Float64Array;
}

/** Sum (and sum of squares) of the rounds' van Elteren scores at a shift: the sum is non-increasing in it. */
export function scoreSum(rounds: SortedArms[], shift: number): { sum: number; sq: number } {
  let sum = 0;
  let sq = 0;
  for (const r of rounds) {
    const d = roundScore(r.baseline, r.candidate, shift);
    sum += d;
    sq += d * d;
  }
  return { sum, sq };
}

/** Both one-sided p-values of the combined test of "shift <= x" and "shift >= x", from the round scores at x. */
export function testAt(rounds: SortedArms[], shift: number): TwoSidedP & { z: number; reference: string } {
  const c = combineScores(rounds.map((r) => roundScore(r.baseline, r.candidate, shift)));
  return { up: c.p, down: c.pLower, z: c.z, reference: c.reference };
}

/** Range of shifts outside which every round's score is at its extreme. */
export function shiftLimits(rounds: SortedArms[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const { baseline: b, candidate: c } of rounds) {
    lo = Math.min(lo, c[0] - b[b.length - 1]);
    hi = Math.max(hi, c[c.length - 1] - b[0]);
  }
  return [lo, hi];
}

/** Resolution of shift estimates: 0.001 % on the log scale, 0.001 % of the median in ns. */
function tolerance(rounds: PreparedRound[], scale: Scale): number {
  return scale === 'log' ? 1e-5 : Math.max(0.5, 1e-5 * pooledMedian(rounds, 'baseline'));
}

/**
 * Root of a non-increasing function, searched outwards from a guess (a handful of evaluations)
 * and then by regula falsi; each evaluation is a pass over every sample, so few of them matter.
 * Used for the score sum only, which is non-increasing in the shift by construction (every pair
 * count is); the regula falsi keeps a sign change in its bracket, so a non-monotone f would still
 * give a crossing, just not a unique one. Returns -Infinity / +Infinity when the root lies beyond
 * the limits.
 */
function decreasingRoot(f: (x: number) => number, guess: number, width: number, limits: [number, number], tol: number): number {
  let w = width;
  let lo = Math.max(limits[0], guess - w);
  while (f(lo) < 0) {
    if (lo <= limits[0]) return -Infinity;
    w *= 4;
    lo = Math.max(limits[0], guess - w);
  }
  w = width;
  let hi = Math.min(limits[1], guess + w);
  while (f(hi) > 0) {
    if (hi >= limits[1]) return Infinity;
    w *= 4;
    hi = Math.min(limits[1], guess + w);
  }
  return illinois(f, lo, hi, tol);
}

/**
 * Regula falsi with the Illinois modification (Dowell & Jarratt 1971): the score sums are step
 * functions, but over thousands of samples nearly smooth, so this needs a handful of evaluations
 * where bisection needs a dozen. The bracket always shrinks; ends when narrower than tol.
 */
function illinois(f: (x: number) => number, a: number, b: number, tol: number): number {
  let fa = f(a);
  let fb = f(b);
  // A score sum that is exactly zero over a stretch can compute as +-1e-17: within rounding of the
  // ends' magnitude it counts as zero (else the steps creep along the flat stretch).
  const zero = 1e-12 * (Math.abs(fa) + Math.abs(fb));
  if (Math.abs(fa) <= zero) return a;
  if (Math.abs(fb) <= zero) return b;
  let side = 0;
  for (let i = 0; i < 100 && b - a > tol; i++) {
    let c = (a * fb - b * fa) / (fb - fa);
    // Keep each step strictly inside and at least a little away from the ends.
    const margin = (b - a) * 1e-3;
    c = Math.min(b - margin, Math.max(a + margin, Number.isFinite(c) ? c : (a + b) / 2));
    const fc = f(c);
    if (Math.abs(fc) <= zero) return c;
    if (Math.sign(fc) === Math.sign(fa)) {
      a = c;
      fa = fc;
      if (side === -1) fb /= 2;
      side = -1;
    } else {
      b = c;
      fb = fc;
      if (side === 1) fa /= 2;
      side = 1;
    }
  }
  return (a + b) / 2;
}

/** Difference of per-round medians, the starting guess of the searches. */
function medianGuess(rounds: SortedArms[]): number {
  let acc = 0;
  for (const r of rounds) acc += medianSorted(r.candidate) - medianSorted(r.baseline);
  return acc / rounds.length;
}

function searchWidth(rounds: PreparedRound[], scale: Scale): number {
  return scale === 'log' ? 0.01 : 0.01 * pooledMedian(rounds, 'baseline');
}

/** The pooled Hodges-Lehmann-type estimate: the shift where the stratified score sum crosses zero. */
export function pooledShift(rounds: PreparedRound[], scale: Scale): number {
  if (rounds.length === 0) return NaN;
  const arms = rounds.map((r) => r[scale]);
  const f = (x: number) => scoreSum(arms, x).sum;
  return decreasingRoot(f, medianGuess(arms), searchWidth(rounds, scale), shiftLimits(arms), tolerance(rounds, scale));
}

/**
 * Confidence intervals for the shift: on each scale, the shifts at which neither one-sided test of
 * that scale's scores rejects at the look's nominal level `boundaryP` (test-inversion.ts). On the
 * test's scale the search is anchored at the budget, so that the interval excludes the budget
 * exactly when the test rejects there; the other scale's interval (the same sign-flip test on
 * that scale's scores, anchored at the budget converted through the pooled baseline median)
 * brackets that scale's own estimate, so each reported estimate lies in its interval.
 */
export function shiftInterval(all: PreparedRound[], boundaryP: number, scale: Scale, budget: number, estimate?: number): Interval {
  const rounds = all.filter((r) => r.valid);
  if (rounds.length === 0 || !(boundaryP > 0)) {
    return { relative: [-1, Infinity], ns: [-Infinity, Infinity] };
  }
  const med = pooledMedian(rounds, 'baseline');
  const other: Scale = scale === 'log' ? 'ns' : 'log';
  const otherBudget = scale === 'log' ? Math.expm1(budget) * med : Math.log1p(budget / med);
  const own = invertOn(rounds, scale, budget, boundaryP, estimate);
  const converted = invertOn(rounds, other, otherBudget, boundaryP);
  const [log, ns] = scale === 'log' ? [own, converted] : [converted, own];
  return { relative: log.map(Math.expm1) as [number, number], ns };
}

function invertOn(rounds: PreparedRound[], scale: Scale, budget: number, level: number, estimate?: number): [number, number] {
  const arms = rounds.map((r) => r[scale]);
  return invertTest(
    {
      test: (x) => testAt(arms, x),
      budget,
      estimate: estimate ?? pooledShift(rounds, scale),
      width: searchWidth(rounds, scale),
      limits: shiftLimits(arms),
      tol: tolerance(rounds, scale),
    },
    level,
  );
}

/**
 * P(candidate > baseline) under a true shift of `mde` beyond the budget, from each round's pilot
 * (Happ, Bathke & Brunner 2019, who take the reference arm; here both arms pooled), weighted by
 * round size.
 */
export function superiorityForMde(all: PreparedRound[], mde: Threshold, threshold: Threshold): number {
  const rounds = all.filter((r) => r.valid);
  const scale = scaleOf(threshold);
  const med = pooledMedian(rounds, 'baseline');
  const shift = budgetShift(addThresholds(threshold, mde, med), scale, med) - budgetShift(threshold, scale, med);
  let acc = 0;
  let w = 0;
  for (const r of rounds) {
    // Both arms pooled, labels ignored (blinded, as varianceFactor): the plan is then the same
    // whichever arm the round's coin put in which slot.
    const pilot = concat([r[scale].baseline, r[scale].candidate]).sort();
    acc += superiorityFromPilot(pilot, shift) * pilot.length;
    w += pilot.length;
  }
  return w > 0 ? acc / w : 0.5;
}

function addThresholds(a: Threshold, b: Threshold, medianNs: number): Threshold {
  if ('relative' in a && 'relative' in b) return { relative: a.relative + b.relative };
  const ns = (t: Threshold) => ('relative' in t ? t.relative * medianNs : t.ns);
  return { ns: ns(a) + ns(b) };
}

/** Round scores over their i.i.d. standard deviation sqrt(m n / (12 (m + n + 1))). */
function standardisedScores(rounds: PreparedRound[], scores: number[]): number[] {
  return rounds.map((r, i) => {
    const m = r.ns.baseline.length;
    const n = r.ns.candidate.length;
    return scores[i] / Math.sqrt((m * n) / (12 * (m + n + 1)));
  });
}

/**
 * Between-round spread over the i.i.d. expectation, for the plan (at least 1). Blinded while the
 * evidence is weak (|Z| < UNBLIND_Z): the mean square of the standardised scores about 0, their
 * mean under H0 (the scores are taken at the budget), the same for every sign assignment of the
 * rounds (M. Kieser & T. Friede, Stat. Med. 22 (2003) 3571-3581, blinded re-estimation). A spread
 * about the sample mean would let a run that leans towards "regression" plan itself shorter and
 * spend alpha faster. From |Z| >= UNBLIND_Z the spread about the sample mean: a clear slowdown in
 * every round is not taken for spread (which would plan a 50 % slowdown as if it were +-50 %
 * noise); that is the round-dependence check's `spread`, passed in. Under H0 the plan can depend
 * on the signs only after |Z| has reached UNBLIND_Z. Measured in docs/method.md, step 12.
 */
function varianceFactor(e: number[], spreadAboutMean: number, z: number): number {
  if (e.length < 3) return 1;
  return Math.max(1, Math.abs(z) < UNBLIND_Z ? e.reduce((s, x) => s + x * x, 0) / e.length : spreadAboutMean);
}

/** |Z| from which the plan's spread is taken about the rounds' mean (see varianceFactor). */
export const UNBLIND_Z = 3;

/** How far the round scores are from independent: the round-dependence check's inputs (not the plan's). */
export interface RoundDependence {
  /** Lag-1 autocorrelation of the round scores, in round order. */
  lag1: number;
  /** Wald-Wolfowitz permutation p for positive serial correlation (1 below 4 rounds). */
  serialP: number;
  /** Bartlett bandwidth used and the long-run variance over the plain variance (>1: neighbours move together). */
  bandwidth: number;
  longRunFactor: number;
  /** Sample variance of the standardised round scores (about their mean): 1 for i.i.d. rounds. */
  spread: number;
  /** Mean standardised round score: the shift beyond the budget in i.i.d. standard deviations per round. */
  meanScore: number;
}

function roundDependence(e: number[]): RoundDependence {
  const bandwidth = bartlettBandwidth(e.length);
  const plain = bartlettLongRunVariance(e, 0);
  return {
    lag1: lag1(e),
    serialP: serialCorrelationTest(e).p,
    bandwidth,
    longRunFactor: plain > 0 && e.length >= 3 ? Math.max(0, bartlettLongRunVariance(e, bandwidth) / plain) : 1,
    spread: e.length >= 2 ? plain / (e.length - 1) : 1,
    meanScore: e.length ? e.reduce((a, x) => a + x, 0) / e.length : 0,
  };
}

function iidMannWhitneyP(rounds: PreparedRound[], scale: Scale, delta0: number): number {
  if (rounds.length === 0) return NaN;
  const b = concat(rounds.map((r) => r[scale].baseline)).sort();
  const c = concat(rounds.map((r) => r[scale].candidate)).sort();
  return mannWhitneyGreaterSorted(b, c, delta0).p;
}

/** Median of the union of the rounds' arms, by selection (Hoare's quickselect; O(n), no sort). */
function pooledMedian(rounds: PreparedRound[], arm: 'baseline' | 'candidate'): number {
  const all = concat(rounds.map((r) => r.ns[arm]));
  if (all.length === 0) return NaN;
  const h = all.length >> 1;
  const upper = select(all, h);
  if (all.length % 2) return upper;
  let lower = -Infinity;
  for (let i = 0; i < h; i++) if (all[i] > lower) lower = all[i];
  return (lower + upper) / 2;
}

/** Partially orders `a` so that a[k] is the k-th smallest and everything before it is <= it. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function meanLag1(rounds: PreparedRound[]): { baseline: number; candidate: number } {
  const avg = (k: 'baseline' | 'candidate') =>
    rounds.length ? rounds.reduce((s, r) => s + (Number.isFinite(r.lag1[k]) ? r.lag1[k] : 0), 0) / rounds.length : 0;
  return { baseline: avg('baseline'), candidate: avg('candidate') };
}

function sumCounts(rounds: PreparedRound[], key: 'errors' | 'counted'): { baseline: number; candidate: number } {
  const e = { baseline: 0, candidate: 0 };
  for (const r of rounds) {
    e.baseline += r[key].baseline;
    e.candidate += r[key].candidate;
  }
  return e;
}
