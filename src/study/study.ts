// Operating characteristics of the gate on the paper's traces: the share of `regression` verdicts
// and the requests used, over many interleaved replays (A/A: effect 0).
import { runSequential, type SequentialOptions } from '../experiment/controller';
import { ReplayRuntime } from '../runtime/replay';
import type { FailedPart, Threshold, VerdictKind } from '../types';
import { buildReplay, type ReplaySpec } from './replay-builder';
import { median, normalSf } from '../stats';
import { buildConfig } from '../config';

export interface StudySpec {
  traces: Float64Array[];
  replays: number;
  effect: number;
  instanceSd: number;
  persistent?: ReplaySpec['persistent'];
  errorRate?: ReplaySpec['errorRate'];
  burst?: ReplaySpec['burst'];
  instanceSdAt?: ReplaySpec['instanceSdAt'];
  /** A stall on the candidate; `ns` may depend on the trace (e.g. a multiple of its median). */
  stall?: { share: number; ns: number | ((trace: Float64Array) => number) };
  order?: ReplaySpec['order'];
  threshold: Threshold;
  requestsPerRound: number;
  /** Start indices to cycle through (0 starts inside the warm-up). */
  starts: number[];
  seed: number;
  options?: Partial<SequentialOptions>;
}

export interface StudyResult {
  replays: number;
  verdicts: Record<VerdictKind, number>;
  regressionRate: number;
  /** Share of replays where the textbook i.i.d. Mann-Whitney p at the final look is below alpha. */
  iidRate: number;
  medianRequests: number;
  /**
   * Verdicts whose interval and test disagree at the budget: the lower bound above the budget
   * without p <= boundaryP (or the reverse), or the upper bound below it without pBelow <= boundaryP.
   */
  intervalMismatches: number;
  /** Regression verdicts that the error-rate test gave (the latency test did not cross). */
  errorRegressions: number;
  /** Runs whose final interval lies wholly below the budget (`withinBudget`). */
  withinBudget: number;
  /** Regression verdicts by the part that found them (a run may name several). */
  foundBy: Record<FailedPart, number>;
  /** The median over runs of the relative shift estimate. */
  medianShift: number;
}

/** The gate exactly as a user gets it by default (no time cap: a replay takes no wall time). */
const defaults = buildConfig({ runtime: 'replay', replay: '(study)' });
export const GATE_DEFAULTS: Omit<SequentialOptions, 'threshold'> = {
  mde: defaults.mde,
  alpha: defaults.alpha,
  power: defaults.power,
  maxRequests: defaults.maxRequests,
  maxDurationMs: Infinity,
  lookEvery: defaults.lookEvery,
  minRounds: defaults.minRounds,
  tail: defaults.tail ? { level: defaults.tail, threshold: defaults.tailThreshold } : null,
};

export async function runStudy(spec: StudySpec): Promise<StudyResult> {
  const verdicts: Record<VerdictKind, number> = { regression: 0, 'no-regression': 0, inconclusive: 0 };
  const requests: number[] = [];
  let iidHits = 0;
  let mismatches = 0;
  let errorRegressions = 0;
  let withinBudget = 0;
  const foundBy: Record<FailedPart, number> = { latency: 0, tail: 0, errors: 0 };
  const shifts: number[] = [];
  const alpha = spec.options?.alpha ?? GATE_DEFAULTS.alpha;
  for (let i = 0; i < spec.replays; i++) {
    const trace = spec.traces[i % spec.traces.length];
    const start = spec.starts[Math.floor(i / spec.traces.length) % spec.starts.length];
    const rounds = buildReplay(trace, {
      start,
      requestsPerRound: spec.requestsPerRound,
      seed: spec.seed + i,
      effect: spec.effect,
      instanceSd: spec.instanceSd,
      persistent: spec.persistent,
      errorRate: spec.errorRate,
      burst: spec.burst,
      instanceSdAt: spec.instanceSdAt,
      stall: spec.stall && { share: spec.stall.share, ns: typeof spec.stall.ns === 'number' ? spec.stall.ns : spec.stall.ns(trace) },
      order: spec.order,
    });
    let used = 0;
    const result = await runSequential(new ReplayRuntime(rounds), {
      ...GATE_DEFAULTS,
      threshold: spec.threshold,
      ...spec.options,
      onRound: (d) => {
        used += d.arm.length;
      },
    });
    verdicts[result.verdict]++;
    if (!intervalAgrees(result)) mismatches++;
    if (result.verdict === 'regression' && result.reason.startsWith('the candidate fails more requests')) errorRegressions++;
    if (result.iidP < alpha) iidHits++;
    if (result.withinBudget) withinBudget++;
    for (const part of result.failed ?? []) foundBy[part]++;
    requests.push(used);
    shifts.push(result.shift.relative);
  }
  return {
    replays: spec.replays,
    verdicts,
    regressionRate: verdicts.regression / spec.replays,
    iidRate: iidHits / spec.replays,
    medianRequests: median(requests),
    intervalMismatches: mismatches,
    errorRegressions,
    withinBudget,
    foundBy,
    medianShift: median(shifts),
  };
}

/** The final look's interval excludes the budget on the side where, and only where, the test rejects. */
function intervalAgrees(v: Awaited<ReturnType<typeof runSequential>>): boolean {
  const level = normalSf(v.boundary);
  const [low, high] = 'relative' in v.threshold ? v.shift.ci : v.shift.ciNs;
  const budget = 'relative' in v.threshold ? v.threshold.relative : v.threshold.ns;
  return low > budget === v.p <= level && high < budget === (v.pBelow ?? 1) <= level;
}
