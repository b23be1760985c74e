// The sequential controller: runs rounds, looks every `lookEvery` rounds, spends alpha by a
// Lan-DeMets O'Brien-Fleming function of the fraction n / planned, with the boundaries' covariance
// from the requests each look had, re-plans the size at each look (Noether 1987 on the pilot), and
// stops with a verdict (docs/method.md, "Sequential: grow the sample until the power target is met",
// steps 10-13). Live and replayed runs take exactly this path. The latency test gets alpha minus the
// error test's share ERROR_ALPHA_SHARE and, when the tail test is on, its share TAIL_ALPHA_SHARE; both
// spend their shares by the same fractions (docs/method.md, "How alpha is split").
import { achievedPower, BoundarySequence, noetherTotal, normalSf, obrienFlemingSpending, roundsPerBlock } from '../stats';
import type { Check, FailedPart, LookRecord, RoundData, TailLevelName, TailReport, Threshold, Verdict, VerdictKind } from '../types';
import { analyzeLook, scaleOf, shiftInterval, superiorityForMde, type Interval, type LookAnalysis } from './analysis';
import { errorRateExcess, errorRateP, roundsBySign } from './error-rate';
import { intervalLevel, intervalWithinBudget, passOutcome, resolutionOf } from './outcome';
import { prepareRound, type PreparedRound } from './prepared-round';
import type { Runtime } from '../runtime/contract';
import { analyzeTail, meanTailShares, TAIL_ALPHA_SHARE, TAIL_LEVELS, tailEstimate, tailOutcome, tailRequests, tailRoundsBySign, type TailLook } from './tail';

export interface SequentialOptions {
  threshold: Threshold;
  /** The slowdown beyond the budget that the plan must detect with `power`. */
  mde: Threshold;
  alpha: number;
  power: number;
  maxRequests: number;
  maxDurationMs: number;
  /** Rounds between looks (k0). */
  lookEvery: number;
  /** No final look before this many rounds, unless a cap is hit. */
  minRounds: number;
  /** The tail test: its level and budget; absent or null for `tail: off`. */
  tail?: TailOptions | null;
  onRound?: (data: RoundData) => Promise<void> | void;
  onLook?: (look: LookRecord) => void;
  now?: () => number;
}

export interface TailOptions {
  level: TailLevelName;
  threshold: Threshold;
}

/** The error-rate test's share of alpha. */
export const ERROR_ALPHA_SHARE = 0.1;

export type SequentialResult = Omit<Verdict, 'checks' | 'runtime' | 'mode'> & { checks: Check[] };

export async function runSequential(runtime: Runtime, opts: SequentialOptions): Promise<SequentialResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  const prepared: PreparedRound[] = [];
  const checks: Check[] = [];
  const looks: LookRecord[] = [];
  // Requests analysed at the last look that had new ones (the boundaries' information scale), and
  // the error test's alpha spent so far.
  let information = 0;
  let errorSpent = 0;
  let tailSpent = 0;
  let requests = 0;
  let exhausted = false;
  const errorAlpha = opts.alpha * ERROR_ALPHA_SHARE;
  const tailAlpha = opts.tail ? opts.alpha * TAIL_ALPHA_SHARE : 0;
  const latencyAlpha = opts.alpha - errorAlpha - tailAlpha;
  const boundaries = new BoundarySequence(latencyAlpha);
  // The tail test's floor on the run's size (a floor like min-rounds).
  const tailFloor = opts.tail ? tailRequests(TAIL_LEVELS[opts.tail.level]) : 0;

  // The latency test's last tested look once it has decided a pass (or reached its plan): with the
  // tail test on, the run goes on to the tail's floor, testing the tail and errors only.
  let settled: LatencyLook | null = null;

  for (let index = 0; ; ) {
    for (let k = 0; k < opts.lookEvery && !exhausted; k++, index++) {
      const outcome = await runtime.runRound(index);
      if (!outcome) {
        exhausted = true;
        break;
      }
      await opts.onRound?.(outcome.data);
      prepared.push(prepareRound(outcome.data));
      requests += outcome.data.arm.length;
      checks.push(...(outcome.checks ?? []));
      if (requests >= opts.maxRequests || now() - started >= opts.maxDurationMs) break;
    }
    const capped = exhausted || requests >= opts.maxRequests || now() - started >= opts.maxDurationMs;
    const look = analyzeLook(prepared, opts.threshold);
    const used = look.n.baseline + look.n.candidate;
    const latency: LatencyLook = settled ?? testLatency(look, prepared, capped);
    const runFinal = capped || (latency.pass !== null && used >= tailFloor);
    // The error and tail tests spend by the run's whole plan, the tail's floor included.
    const t = spendingTime(used / Math.max(latency.planned, tailFloor), runFinal);
    const errorLevel = Math.max(0, obrienFlemingSpending(t, errorAlpha) - errorSpent);
    errorSpent += errorLevel;
    const tailLevel = opts.tail ? Math.max(0, obrienFlemingSpending(t, tailAlpha) - tailSpent) : 0;
    tailSpent += tailLevel;
    const tail = opts.tail ? analyzeTail(prepared, TAIL_LEVELS[opts.tail.level], opts.tail.threshold) : null;
    const errorP = errorRateP(look.errorsPerRound);
    const record: LookRecord = {
      look: looks.length + 1,
      rounds: look.rounds,
      n: look.n,
      z: look.z,
      p: look.p,
      boundary: settled ? Infinity : latency.boundary,
      boundaryP: settled ? 0 : latency.boundaryP,
      informationFraction: settled ? 1 : latency.t,
      plannedRequests: Math.max(latency.planned, tailFloor),
      shiftRelative: look.shift.relative,
      pBelow: look.pBelow,
      errorP,
      errorLevel,
      ...(tail ? { tailP: tail.p, tailLevel } : {}),
    };
    looks.push(record);
    opts.onLook?.(record);
    const failed = failures({ look, latency: settled ? null : latency, errorLevel, tail, tailLevel, opts });
    settled = latency.pass ? latency : null;
    const d: Decision | null = failed.length
      ? { verdict: 'regression', reason: failed.map((f) => f.reason).join('; and '), failed: failed.map((f) => f.part) }
      : runFinal && latency.pass
        ? { ...latency.pass, failed: [] }
        : exhausted && prepared.length === 0
          ? { verdict: 'inconclusive', reason: 'no rounds to analyse', failed: [] }
          : null;
    if (d) {
      const l = latency;
      const shift = { relative: l.look.shift.relative, ns: l.look.shift.ns, ci: l.ci.relative, ciNs: l.ci.ns };
      const withinBudget = intervalWithinBudget(shift, opts.threshold);
      return {
        verdict: d.verdict,
        outcome: passOutcome(d.verdict, withinBudget),
        withinBudget,
        ciLevel: intervalLevel(l.boundaryP),
        resolution: resolutionOf(shift),
        reason: d.reason,
        p: l.look.p,
        z: l.look.z,
        boundary: l.boundary,
        alpha: opts.alpha,
        threshold: opts.threshold,
        shift,
        n: look.n,
        rounds: look.rounds,
        power: l.power,
        warmup: { removed: look.warmupRemoved, invalidRounds: look.invalidRounds },
        errors: look.errors,
        checks: [...dedupeChecks(checks), ...stationarityCheck(look, prepared.length), roundDependenceCheck(l.look)],
        iidP: l.look.iidP,
        lag1: l.look.lag1,
        median: look.median,
        looks,
        plannedRequests: Math.max(l.planned, tailFloor),
        pBelow: l.look.pBelow,
        errorTest: { p: errorP, level: errorLevel, alpha: errorAlpha, requests: look.counted, rounds: roundsBySign(look.errorsPerRound) },
        tail: opts.tail && tail ? tailReport(prepared, opts.tail, tail, { level: tailLevel, alpha: tailAlpha }) : null,
        failed: d.failed,
        roundDependence: { ...l.look.dependence, varianceFactor: l.look.varianceFactor },
        durationMs: now() - started,
      };
    }
  }

  /** The latency test at this look: its plan, spending time, boundary, interval, power, and a pass if it decides one. */
  function testLatency(look: LookAnalysis, prepared: PreparedRound[], capped: boolean): LatencyLook {
    const used = look.n.baseline + look.n.candidate;
    const pS = superiorityForMde(prepared, opts.mde, opts.threshold);
    const planned = plannedRequests(look, pS, latencyAlpha, opts);
    const reachedPlan = used >= planned && look.rounds >= opts.minRounds;
    const final = capped || reachedPlan;
    const t = spendingTime(used / planned, final);
    // A look with no new requests (no rounds, or all left out) has nothing new to test: skipped, or
    // when final (the run ended right after a look), that look again spending what is left.
    const boundary = used > information ? boundaries.next(used, t, smallestP(look.rounds)) : final ? boundaries.relook(t) : Infinity;
    information = Math.max(information, used);
    const boundaryP = normalSf(boundary);
    const ci = shiftInterval(prepared, boundaryP, scaleOf(opts.threshold), look.scaleBudget, look.scaleShift);
    const power = achievedPower({ total: used / look.varianceFactor, alpha: latencyAlpha, p: pS });
    const pass = look.p <= boundaryP ? null : decidePass({ look, boundaryP, final, reachedPlan, power, opts, prepared });
    return { look, planned, t, boundary, boundaryP, ci, power, pass };
  }
}

/** The latency test at one look, kept as it was once it has decided a pass. */
interface LatencyLook {
  look: LookAnalysis;
  planned: number;
  t: number;
  boundary: number;
  boundaryP: number;
  ci: Interval;
  power: number;
  pass: { verdict: VerdictKind; reason: string } | null;
}

function plannedRequests(look: LookAnalysis, pS: number, alpha: number, opts: SequentialOptions): number {
  const perRound = look.rounds > 0 ? (look.n.baseline + look.n.candidate) / look.rounds : 0;
  const base = noetherTotal({ alpha, power: opts.power, p: pS });
  // Inflated by the rounds' spread (blinded while the evidence is weak, so the look times cannot lean
  // on which way the run goes); not by the long-run factor, whose lag products change sign with a coin.
  const inflated = Math.ceil(base * look.varianceFactor);
  const atLeast = Math.ceil(perRound * opts.minRounds);
  return Math.max(Number.isFinite(inflated) ? inflated : Number.MAX_SAFE_INTEGER, atLeast, 1);
}

/**
 * The fraction of the planned size reached: it sets only how much alpha a look may have spent by
 * then (the boundaries' covariance comes from the requests the looks had). Only the final look
 * reaches 1 (a look that reached the plan before `min-rounds` stays just below it, so alpha is not
 * all spent before the run may stop); a re-plan that grew the target may move it back, and a look
 * whose fraction has nothing left to spend is skipped.
 */
export function spendingTime(fraction: number, final: boolean): number {
  return final ? 1 : Math.min(fraction, LAST_INTERIM_FRACTION);
}

/**
 * The smallest p the sign-flip test can give with R rounds: 2^-(sign units), a unit being a round or,
 * from 20 rounds on, a block. A look whose boundary level is below it could never cross (5 rounds:
 * 1/32 against the ~0.002 a first look gets), so it spends nothing and leaves its alpha to later looks.
 */
function smallestP(rounds: number): number {
  return rounds > 0 ? 2 ** -Math.floor(rounds / roundsPerBlock(rounds)) : 1;
}

/** The largest spending fraction of a look that is not final. */
const LAST_INTERIM_FRACTION = 0.999;

interface PassInput {
  look: LookAnalysis;
  boundaryP: number;
  final: boolean;
  reachedPlan: boolean;
  power: number;
  opts: SequentialOptions;
  prepared: PreparedRound[];
}

interface FailureInput {
  look: LookAnalysis;
  /** The latency test of this look; null once it has passed (it is no longer tested). */
  latency: LatencyLook | null;
  errorLevel: number;
  tail: TailLook | null;
  tailLevel: number;
  opts: SequentialOptions;
}

type Decision = { verdict: VerdictKind; reason: string; failed: FailedPart[] };

/**
 * Every part that rejects at this look: the error test, the latency test at its boundary (p <=
 * boundaryP is the same statement as "the interval's lower bound exceeds the budget": shiftInterval
 * inverts this very test), the tail test at its level.
 */
function failures(x: FailureInput): Array<{ part: FailedPart; reason: string }> {
  const { look } = x;
  const out: Array<{ part: FailedPart; reason: string }> = [];
  const errorExcess = errorRateExcess(look.errorsPerRound, look.counted, x.errorLevel);
  if (errorExcess) out.push({ part: 'errors', reason: errorExcess });
  if (x.latency && look.p <= x.latency.boundaryP) out.push({ part: 'latency', reason: 'the slowdown exceeds the budget: the test crossed its boundary' });
  if (x.tail && x.opts.tail && x.tail.p <= x.tailLevel) out.push({ part: 'tail', reason: tailExcessReason(x.tail, x.opts.tail.level, x.tailLevel) });
  return out;
}

function tailExcessReason(tail: TailLook, level: TailLevelName, testLevel: number): string {
  const { more, fewer } = tailRoundsBySign(tail.differences);
  return (
    `the tail (${level}) is slower beyond its budget: the candidate had more of its requests above the round's pooled ${level} ` +
    `in ${more} rounds and fewer in ${fewer}; sign-flip p over rounds = ${tail.p.toExponential(2)} <= ${testLevel.toExponential(2)}`
  );
}

/**
 * The latency test's pass, when it decides one: pBelow <= boundaryP is the same statement as "the
 * interval's upper bound is below the budget"; at its final look the plan or a cap decides.
 */
function decidePass(x: PassInput): { verdict: VerdictKind; reason: string } | null {
  const { look, opts } = x;
  if (look.pBelow <= x.boundaryP && look.rounds >= 2) {
    return { verdict: 'no-regression', reason: "the confidence interval's upper bound is below the budget" };
  }
  if (!x.final) return null;
  if (look.invalidRounds.length * 2 > x.prepared.length) {
    return { verdict: 'inconclusive', reason: 'most rounds never reached a steady state (non-stationary latency)' };
  }
  if (x.reachedPlan) {
    return { verdict: 'no-regression', reason: 'the planned sample size was reached without crossing the boundary' };
  }
  if (x.power >= opts.power) {
    return { verdict: 'no-regression', reason: `a cap was reached without crossing the boundary, with the target power achieved (${x.power.toFixed(2)})` };
  }
  return {
    verdict: 'inconclusive',
    reason: `a cap was reached before the planned sample size (achieved power ${x.power.toFixed(2)})`,
  };
}

/** The tail test's report at the final look, with the estimate and the interval inverted at its level. */
function tailReport(prepared: PreparedRound[], opts: TailOptions, tail: TailLook, alpha: { level: number; alpha: number }): TailReport {
  const quantile = TAIL_LEVELS[opts.level];
  const { estimate, ci } = tailEstimate(prepared, quantile, opts.threshold, alpha.level);
  return {
    level: opts.level,
    quantile,
    estimate,
    ci,
    ciLevel: intervalLevel(alpha.level),
    p: tail.p,
    pBelow: tail.pBelow,
    testLevel: alpha.level,
    alpha: alpha.alpha,
    alphaShare: TAIL_ALPHA_SHARE,
    threshold: opts.threshold,
    outcome: tailOutcome(tail.p <= alpha.level, ci, opts.threshold),
    shares: meanTailShares(prepared, quantile),
    rounds: tailRoundsBySign(tail.differences),
    reference: tail.blockSize === 1 ? 'sign-flip' : `block sign-flip, ${tail.blockSize} rounds a block`,
  };
}

function stationarityCheck(look: LookAnalysis, total: number): Check[] {
  const bad = look.invalidRounds.length;
  return [
    {
      id: 'stationarity',
      status: bad === 0 ? 'pass' : bad * 2 > total ? 'fail' : 'warn',
      detail:
        bad === 0
          ? `all ${total} rounds reached a steady state; ${look.warmupRemoved} warm-up requests removed`
          : `${bad} of ${total} rounds never reached a steady state and were left out`,
    },
  ];
}

/**
 * Whether the rounds behave as independent units. Informational: the round's coin puts the arms in
 * their slots (start order, pod listing, ports, warm-up), so an effect that sticks to a slot, however
 * long, only flips signs the test already flips. What it cannot reach is an effect that follows the
 * arm from round to round, or a cost that drifts; this check shows when the rounds look like that.
 * The spread is taken about the rounds' mean (not the plan's blinded one), and a real slowdown
 * whose size varies between rounds by less than half of it is not called dominant spread: a hook
 * costs the same nanoseconds in every round, but a round's standardised score also scales with how
 * tight that round's latencies were, so a clear regression is never exactly homogeneous.
 */
function roundDependenceCheck(look: LookAnalysis): Check {
  const d = look.dependence;
  const correlated = d.lag1 > 0 && d.serialP < 0.05;
  const beyondSampling = Math.sqrt(Math.max(0, d.spread - 1));
  const spread = d.spread >= SPREAD_WARN && beyondSampling > HETEROGENEITY_WARN * Math.abs(d.meanScore);
  const numbers =
    `round scores vary ${d.spread.toFixed(2)}x as much as i.i.d. requests would make them` +
    (Math.abs(d.meanScore) >= 1 ? ` (the shift's size per round varies by ${Math.round((100 * beyondSampling) / Math.abs(d.meanScore))} % of it beyond sampling)` : '') +
    `; lag-1 correlation of consecutive rounds ${d.lag1.toFixed(2)} (Wald-Wolfowitz p = ${d.serialP.toPrecision(2)}); ` +
    `long-run factor ${d.longRunFactor.toFixed(2)} at Bartlett bandwidth ${d.bandwidth}`;
  if (!correlated && !spread) return { id: 'round-dependence', status: 'pass', detail: numbers };
  const what = [spread ? 'between-round spread dominates' : '', correlated ? 'consecutive rounds are correlated' : '']
    .filter(Boolean)
    .join(' and ');
  return {
    id: 'round-dependence',
    status: 'warn',
    detail:
      `${what} (${numbers}): the plan counts this spread, and effects that stick to a slot are randomized by the round's coin; ` +
      `an effect that follows one arm from round to round, or a cost that drifts during the run, is not, so look at the per-round shifts`,
  };
}

/** Round scores varying this many times their i.i.d. variance (about their mean) are called dominant spread... */
const SPREAD_WARN = 2;
/** ...unless the spread beyond sampling is within this fraction of the mean score (a real, varying slowdown). */
const HETEROGENEITY_WARN = 0.5;

function dedupeChecks(checks: Check[]): Check[] {
  const rank = { pass: 0, warn: 1, fail: 2 } as const;
  const byId = new Map<string, Check>();
  for (const c of checks) {
    const prev = byId.get(c.id);
    if (!prev || rank[c.status] > rank[prev.status]) byId.set(c.id, c);
  }
  return [...byId.values()];
}
