// What the report draws, derived from the rounds with the same preparation the statistics use
// (errors out, MSER-5 warm-up cut, invalid rounds left out). Downsampling happens here and only for
// drawing: every number printed in the report comes from the full data or from the verdict.
import { concat, splitArms } from '../../arrays';
import { pooledShift } from '../../experiment/analysis';
import { prepareRound, type PreparedRound } from '../../experiment/prepared-round';
import { Prng } from '../../experiment/prng';
import { requestCount, successful } from '../../samples/round-data';
import { bisect, normalQuantile, quantileSorted, roundScore, varianceInflation } from '../../stats';
import type { Arm, RoundData, Verdict } from '../../types';

/** Points drawn per ECDF: a uniform probability grid plus tail points. */
export const ECDF_GRID = 1000;
/** Pairs drawn per lag plot. */
export const LAG_POINTS = 3000;
/** Outliers drawn per side per box plot (the count is printed in full). */
export const OUTLIERS_DRAWN = 60;

export interface ArmSummary {
  /** Sorted latencies (ns) that entered the statistics. */
  sorted: Float64Array;
  quantiles: BoxStats;
  /** Lag plot pairs: latency[i] and latency[i+1] within the arm's series of one round. */
  lag: { x: Float64Array; y: Float64Array; total: number };
  requests: number;
  errors: number;
  transportErrors: number;
  serverErrors: number;
}

export interface BoxStats {
  n: number;
  min: number;
  p1: number;
  q1: number;
  median: number;
  q3: number;
  p99: number;
  max: number;
  mean: number;
  /** Tukey whiskers: most extreme data within 1.5 IQR of the box. */
  whiskerLow: number;
  whiskerHigh: number;
  outliersLow: number;
  outliersHigh: number;
}

export interface RoundShift {
  round: number;
  relative: number;
  ci: [number, number];
  n: number;
}

export interface WarmupRound {
  round: number;
  cut: number;
  valid: boolean;
  requests: number;
}

export interface ReportData {
  arms: Record<Arm, ArmSummary>;
  perRound: RoundShift[];
  warmup: WarmupRound[];
  /** Confidence level of the per-round intervals. */
  roundLevel: number;
  totalRequests: number;
}

/** Two-sided level of the per-round intervals (descriptive; the verdict uses its own boundary). */
const ROUND_LEVEL = 0.95;

/** A round's own shift estimate, relative: the pooled estimator on that round alone (as analyzeLook's perRound). */
export function roundShift(p: PreparedRound): number {
  return Math.expm1(pooledShift([p], 'log'));
}

/** The relative budget: a relative threshold as is, an absolute one relative to the baseline median. */
export function budgetRelative(v: Verdict): number {
  return 'relative' in v.threshold ? v.threshold.relative : v.threshold.ns / v.median.baseline;
}

export function reportData(rounds: RoundData[], seed = 1): ReportData {
  const prepared = rounds.map(prepareRound);
  const valid = prepared.filter((p) => p.valid);
  // prepared[i] is rounds[i] prepared: the lag plots need the valid rounds again in request order.
  const ordered = prepared.flatMap((p, i) => (p.valid ? [orderedArms(rounds[i], p.cut)] : []));
  const rng = new Prng(seed);
  const arm = (name: Arm, code: 0 | 1): ArmSummary => {
    const sorted = concat(valid.map((p) => p.ns[name])).sort();
    let requests = 0;
    let transport = 0;
    let server = 0;
    for (const r of rounds) {
      for (let i = 0; i < r.arm.length; i++) {
        if (r.arm[i] !== code) continue;
        requests++;
        const s = r.status?.[i];
        if (s === undefined) continue;
        if (s === 0) transport++;
        else if (s >= 500) server++;
      }
    }
    return {
      sorted,
      quantiles: boxStats(sorted),
      lag: lagSample(ordered.map((o) => o[name]), LAG_POINTS, rng),
      requests,
      errors: prepared.reduce((s, p) => s + p.errors[name], 0),
      transportErrors: transport,
      serverErrors: server,
    };
  };
  const z = normalQuantile(1 - (1 - ROUND_LEVEL) / 2);
  return {
    arms: { baseline: arm('baseline', 0), candidate: arm('candidate', 1) },
    perRound: valid.map((p) => ({
      round: p.round,
      relative: roundShift(p),
      ci: roundInterval(p, z),
      n: p.ns.baseline.length + p.ns.candidate.length,
    })),
    warmup: prepared.map((p) => ({ round: p.round, cut: p.cut, valid: p.valid, requests: p.requests })),
    roundLevel: ROUND_LEVEL,
    totalRequests: requestCount(rounds),
  };
}

/**
 * Per-round interval for the relative shift by inverting the round's own Mann-Whitney score
 * (the same score the combined test uses, roundScore), with its i.i.d. variance m n (N+1) / 12
 * inflated by (1 + r1)/(1 - r1) for the round's lag-1 autocorrelation. Descriptive only.
 */
function roundInterval(p: PreparedRound, z: number): [number, number] {
  const b = p.log.baseline;
  const c = p.log.candidate;
  const m = b.length;
  const n = c.length;
  if (m === 0 || n === 0) return [NaN, NaN];
  const r1 = Math.max(finiteOr(p.lag1.baseline, 0), finiteOr(p.lag1.candidate, 0));
  const sd = Math.sqrt(((m * n * (m + n + 1)) / 12) * varianceInflation(r1)) / (m + n + 1);
  const lo = c[0] - b[m - 1];
  const hi = c[n - 1] - b[0];
  const at = (target: number) => (s: number) => roundScore(b, c, s) - target;
  const low = at(z * sd)(lo) <= 0 ? -Infinity : bisect(at(z * sd), lo, hi, { tol: 1e-6, maxIter: 100 });
  const high = at(-z * sd)(hi) >= 0 ? Infinity : bisect(at(-z * sd), lo, hi, { tol: 1e-6, maxIter: 100 });
  return [Math.expm1(low), Math.expm1(high)];
}

function finiteOr(v: number, d: number): number {
  return Number.isFinite(v) ? v : d;
}

/** The successful requests after the warm-up cut, per arm, in request order. */
function orderedArms(r: RoundData, cut: number): Record<Arm, Float64Array> {
  const ok = successful(r);
  return splitArms(ok.arm.subarray(cut), ok.latencyNs.subarray(cut));
}

/**
 * A uniform random subset of k consecutive pairs over all series (Knuth's selection sampling,
 * algorithm S: exact size, in order, one pass). Pairs never cross a round boundary.
 */
export function lagSample(series: Float64Array[], k: number, rng: Prng): { x: Float64Array; y: Float64Array; total: number } {
  const total = series.reduce((s, a) => s + Math.max(0, a.length - 1), 0);
  const want = Math.min(k, total);
  const x = new Float64Array(want);
  const y = new Float64Array(want);
  let seen = 0;
  let taken = 0;
  for (const a of series) {
    for (let i = 0; i + 1 < a.length && taken < want; i++, seen++) {
      if ((total - seen) * rng.nextFloat() < want - taken) {
        x[taken] = a[i];
        y[taken++] = a[i + 1];
      }
    }
  }
  return { x, y, total };
}

export function boxStats(sorted: Float64Array): BoxStats {
  const n = sorted.length;
  const q = (p: number) => quantileSorted(sorted, p);
  const q1 = q(0.25);
  const q3 = q(0.75);
  const iqr = q3 - q1;
  let whiskerLow = NaN;
  let whiskerHigh = NaN;
  let outliersLow = 0;
  let outliersHigh = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = sorted[i];
    sum += v;
    if (v < q1 - 1.5 * iqr) outliersLow++;
    else if (Number.isNaN(whiskerLow)) whiskerLow = v;
    if (v > q3 + 1.5 * iqr) outliersHigh++;
    else whiskerHigh = v;
  }
  return {
    n,
    min: n ? sorted[0] : NaN,
    p1: q(0.01),
    q1,
    median: q(0.5),
    q3,
    p99: q(0.99),
    max: n ? sorted[n - 1] : NaN,
    mean: n ? sum / n : NaN,
    whiskerLow,
    whiskerHigh,
    outliersLow,
    outliersHigh,
  };
}

/** ECDF points for drawing: quantiles on a uniform grid of probabilities plus the far tail. */
export function ecdfPoints(sorted: Float64Array, grid = ECDF_GRID): { x: Float64Array; p: Float64Array } {
  const n = sorted.length;
  if (n === 0) return { x: new Float64Array(0), p: new Float64Array(0) };
  if (n <= grid) {
    return { x: sorted.slice(), p: Float64Array.from(sorted, (_, i) => (i + 1) / n) };
  }
  const probs: number[] = [];
  for (let i = 0; i <= grid; i++) probs.push(i / grid);
  for (let k = 4; 10 ** -k > 1 / n; k++) probs.push(1 - 10 ** -k);
  probs.sort((a, b) => a - b);
  const x = new Float64Array(probs.length);
  const p = new Float64Array(probs.length);
  probs.forEach((pr, i) => {
    // The empirical quantile: the smallest x with F(x) >= pr.
    const idx = Math.min(n - 1, Math.max(0, Math.ceil(pr * n) - 1));
    x[i] = sorted[idx];
    p[i] = (idx + 1) / n;
  });
  return { x, p };
}

/** Density on a log grid for the violin: exact counts over all samples, lightly smoothed. */
export function logDensity(sorted: Float64Array, lo: number, hi: number, bins = 80): Float64Array {
  const out = new Float64Array(bins);
  const n = sorted.length;
  if (n === 0 || !(hi > lo)) return out;
  const l0 = Math.log(lo);
  const w = (Math.log(hi) - l0) / bins;
  for (let i = 0; i < n; i++) {
    const k = Math.floor((Math.log(sorted[i]) - l0) / w);
    if (k >= 0 && k < bins) out[k]++;
    else if (k === bins) out[bins - 1]++;
  }
  const sm = new Float64Array(bins);
  const kernel = [1, 4, 6, 4, 1];
  for (let i = 0; i < bins; i++) {
    let s = 0;
    let ws = 0;
    for (let j = -2; j <= 2; j++) {
      if (i + j < 0 || i + j >= bins) continue;
      s += out[i + j] * kernel[j + 2];
      ws += kernel[j + 2];
    }
    sm[i] = s / ws;
  }
  return sm;
}

/** Up to `k` values spread evenly over a sorted slice [from, to). */
export function spread(sorted: Float64Array, from: number, to: number, k: number): Float64Array {
  const n = to - from;
  if (n <= k) return sorted.slice(from, to);
  return Float64Array.from({ length: k }, (_, i) => sorted[from + Math.round((i * (n - 1)) / (k - 1))]);
}
