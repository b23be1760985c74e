// The micro benchmark experiment (docs/method.md, "Where the cost is", step 3; the paper's
// recommendations 5-6): R rounds; in each round one driver process per arm, in coin-flipped order,
// each timing B batches of K calls. The per-call overhead (candidate - baseline, ns) is tested and
// estimated with the macro gate's machinery: per round the van Elteren score of the batch means,
// combined self-normalised over rounds (exact sign-flip reference; blocks of rounds from 20 on); the
// estimate is the shift where the summed round scores cross zero (a pooled Hodges-Lehmann shift),
// the interval the shifts at which neither one-sided test rejects at alpha (the same test
// inverted, anchored at the budget).
import { concat } from '../arrays';
import { randomInt } from 'node:crypto';
import { scoreSum, shiftLimits, testAt } from '../experiment/analysis';
import { pairSchedule } from '../experiment/schedule';
import { invertTest } from '../experiment/test-inversion';
import { bisect, median } from '../stats';
import type { Threshold } from '../types';
import { ensureDriver, runDriver, type MicroFunction } from './driver';

export const MICRO_DEFAULTS = {
  rounds: 30,
  batches: 10,
  batchSize: 1000,
  warmup: 3,
  alpha: 0.05,
} as const;

export type MicroVerdict = 'regression' | 'no-regression';

export interface MicroRound {
  round: number;
  /** Which arm ran first in this round (coin flip). */
  first: 'baseline' | 'candidate';
  /** Batch means, ns per call, in the order measured. */
  baseline: Float64Array;
  candidate: Float64Array;
}

export interface MicroAnalysis {
  rounds: number;
  /** Pooled shift (candidate - baseline), ns per call, and its interval. */
  estimate: number;
  ci: [number, number];
  /** Combined statistic and one-sided p at the threshold (H0: overhead <= threshold). */
  z: number;
  p: number;
  reference: string;
  alpha: number;
  thresholdNs: number;
  /** Median batch mean per arm, ns per call. */
  baselineNs: number;
  candidateNs: number;
  /** Per round: the shift where that round's score crosses zero. */
  perRound: number[];
  verdict: MicroVerdict;
}

export interface MicroOptions {
  function: MicroFunction;
  /** LD_PRELOAD of the candidate arm; none = a run without a hook (an A/A run when baselineHook is none too). */
  hook?: string;
  /** LD_PRELOAD of the baseline arm (hook-vs-hook); default none. */
  baselineHook?: string;
  /** Budget per call; relative budgets are taken of the baseline median. Default 0. */
  threshold?: Threshold;
  alpha?: number;
  rounds?: number;
  batches?: number;
  batchSize?: number;
  warmup?: number;
  cpu?: number;
  /** Sleep before each batch (driver --pause-us): bursts measure the call, not CPU contention. */
  pauseUs?: number;
  seed?: number;
  /** Environment of the driver processes (default: sut-env's allowlist; LD_PRELOAD is always replaced). */
  env?: NodeJS.ProcessEnv;
  onRound?: (r: MicroRound) => void;
}

export interface MicroResult {
  function: MicroFunction;
  seed: number;
  batches: number;
  batchSize: number;
  /** Timed calls per arm over all rounds. */
  calls: number;
  rounds: MicroRound[];
  analysis: MicroAnalysis;
}

export async function runMicro(opts: MicroOptions): Promise<MicroResult> {
  const R = opts.rounds ?? MICRO_DEFAULTS.rounds;
  const B = opts.batches ?? MICRO_DEFAULTS.batches;
  const K = opts.batchSize ?? MICRO_DEFAULTS.batchSize;
  const warmup = opts.warmup ?? MICRO_DEFAULTS.warmup;
  // Only the seed is drawn here; each round's arm order comes from the seeded schedule, so
  // a run's order is reproducible from its printed seed (--seed).
  const seed = opts.seed ?? randomInt(0, 2 ** 31);
  const driver = await ensureDriver();
  const rounds: MicroRound[] = [];
  for (let r = 0; r < R; r++) {
    const order = pairSchedule(seed, r, 1);
    const out: { baseline?: Float64Array; candidate?: Float64Array } = {};
    for (const arm of order) {
      const name = arm === 1 ? 'candidate' : 'baseline';
      const run = await runDriver({
        driver,
        function: opts.function,
        batches: B,
        batchSize: K,
        warmup,
        cpu: opts.cpu,
        pauseUs: opts.pauseUs,
        ldPreload: arm === 1 ? opts.hook : opts.baselineHook,
        env: opts.env,
      });
      out[name] = run.batches;
    }
    const round: MicroRound = {
      round: r,
      first: order[0] === 1 ? 'candidate' : 'baseline',
      baseline: out.baseline!,
      candidate: out.candidate!,
    };
    rounds.push(round);
    opts.onRound?.(round);
  }
  const analysis = analyzeMicro(rounds, { threshold: opts.threshold, alpha: opts.alpha });
  return { function: opts.function, seed, batches: B, batchSize: K, calls: R * B * K, rounds, analysis };
}

interface SortedRound {
  baseline: Float64Array;
  candidate: Float64Array;
}

const SHIFT_TOL_NS = 1e-3;

/** Pure: the statistics of a set of rounds of batch means (ns per call). */
export function analyzeMicro(
  rounds: ReadonlyArray<{ baseline: ArrayLike<number>; candidate: ArrayLike<number> }>,
  opts: { threshold?: Threshold; alpha?: number } = {},
): MicroAnalysis {
  const alpha = opts.alpha ?? MICRO_DEFAULTS.alpha;
  const sorted: SortedRound[] = rounds
    .map((r) => ({ baseline: Float64Array.from(r.baseline).sort(), candidate: Float64Array.from(r.candidate).sort() }))
    .filter((r) => r.baseline.length > 0 && r.candidate.length > 0);
  if (sorted.length === 0) throw new Error('analyzeMicro: no round has batches in both arms');
  const baselineNs = median(concat(sorted.map((r) => r.baseline)));
  const candidateNs = median(concat(sorted.map((r) => r.candidate)));
  const t = opts.threshold ?? { ns: 0 };
  const thresholdNs = 'ns' in t ? t.ns : t.relative * baselineNs;

  const combined = testAt(sorted, thresholdNs);
  const estimate = pooledShiftNs(sorted);
  const ci = shiftIntervalNs(sorted, thresholdNs, estimate, alpha);
  // The same statement as ci[0] > thresholdNs: the interval inverts this test, anchored at the budget.
  const regression = combined.up <= alpha;
  return {
    rounds: sorted.length,
    estimate,
    ci,
    z: combined.z,
    p: combined.up,
    reference: combined.reference,
    alpha,
    thresholdNs,
    baselineNs,
    candidateNs,
    perRound: sorted.map((r) => pooledShiftNs([r])),
    verdict: regression ? 'regression' : 'no-regression',
  };
}

/** Shifts beyond which every round's score is at its extreme (widened so the ends are strict). */
function bracket(rounds: SortedRound[]): [number, number] {
  const [lo, hi] = shiftLimits(rounds);
  return [lo - 1, hi + 1];
}

/** The shift where the summed round scores cross zero (pooled Hodges-Lehmann-type estimate). */
function pooledShiftNs(rounds: SortedRound[]): number {
  const [lo, hi] = bracket(rounds);
  // The sum is a non-increasing step function; the midpoint of its zero set is the estimate.
  const below = bisect((s) => (scoreSum(rounds, s).sum > 0 ? 1 : -1), lo, hi, { tol: SHIFT_TOL_NS });
  const above = bisect((s) => (scoreSum(rounds, s).sum >= 0 ? 1 : -1), lo, hi, { tol: SHIFT_TOL_NS });
  return (below + above) / 2;
}

/** The shifts at which neither one-sided test rejects at `alpha`. */
function shiftIntervalNs(rounds: SortedRound[], budgetNs: number, estimate: number, alpha: number): [number, number] {
  const limits = bracket(rounds);
  return invertTest(
    { test: (x) => testAt(rounds, x), budget: budgetNs, estimate, width: (limits[1] - limits[0]) / 64, limits, tol: SHIFT_TOL_NS },
    alpha,
  );
}

export interface ResolutionOptions {
  function?: MicroFunction;
  rounds?: number;
  batches?: number;
  batchSize?: number;
  alpha?: number;
  cpu?: number;
  /** A/A runs to take the median over (default 3). */
  repeats?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ResolutionResult {
  function: MicroFunction;
  /** Smallest per-call overhead distinguishable from zero at this run length, ns (median over repeats). */
  ns: number;
  /** Per A/A run: the largest distance of a CI end from zero, ns. */
  halfWidths: number[];
  /** Per A/A run: the estimate (should be near 0). */
  estimates: number[];
  rounds: number;
  batches: number;
  batchSize: number;
  alpha: number;
  /** Median ns per call without a hook. */
  baselineNs: number;
  elapsedMs: number;
}

/**
 * The driver's resolution: A/A runs (no hook in either arm) at the given run length (defaults: the
 * `micro` command's); an overhead beyond the half-width of the A/A interval would have pushed that
 * interval's lower end above zero, so the median half-width is the smallest distinguishable effect.
 */
export async function resolution(opts: ResolutionOptions = {}): Promise<ResolutionResult> {
  const fn = opts.function ?? 'read';
  const repeats = opts.repeats ?? 3;
  const started = Date.now();
  const halfWidths: number[] = [];
  const estimates: number[] = [];
  const baselines: number[] = [];
  let last: MicroResult | undefined;
  for (let i = 0; i < repeats; i++) {
    last = await runMicro({
      function: fn,
      rounds: opts.rounds,
      batches: opts.batches,
      batchSize: opts.batchSize,
      alpha: opts.alpha,
      cpu: opts.cpu,
      env: opts.env,
    });
    const a = last.analysis;
    halfWidths.push(Math.max(Math.abs(a.ci[0]), Math.abs(a.ci[1])));
    estimates.push(a.estimate);
    baselines.push(a.baselineNs);
  }
  return {
    function: fn,
    ns: median(halfWidths),
    halfWidths,
    estimates,
    rounds: last!.analysis.rounds,
    batches: last!.batches,
    batchSize: last!.batchSize,
    alpha: last!.analysis.alpha,
    baselineNs: median(baselines),
    elapsedMs: Date.now() - started,
  };
}
