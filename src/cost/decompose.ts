// Where the cost is (docs/method.md, "Where the cost is": the paper's recommendations 6 and 7
// joined): per wrapped function, calls per request x the hook's cost per call (micro benchmark,
// candidate - baseline, with its interval), summed into a predicted overhead per request, and set
// beside the macro shift.
//
// Intervals: the counts are treated as exact (a deterministic SUT makes the same calls for the same
// request; the preload counts every call). The micro intervals are propagated by root-sum-square of
// their half-widths (each side separately, as they may be asymmetric), i.e. the functions' estimates
// are taken as independent and roughly normal. The difference macro - predicted gets its interval
// the same way from the two (independent experiments: separate processes, separate runs); the check
// fires when that interval excludes 0 - an approximate test of equality at the intervals' level,
// more powerful than asking whether the two intervals overlap.
import { formatNs } from '../units';
import type { WrappedBy } from './wrapped';

export interface FunctionCost {
  name: string;
  callsPerRequest: number;
  /** Hook's cost per call, ns (micro: candidate - baseline), with its interval; absent when not measured. */
  perCallNs?: number;
  perCallCiNs?: [number, number];
  /** callsPerRequest x perCallNs and its interval. */
  predictedNs?: number;
  predictedCiNs?: [number, number];
  /** Why there is no per-call cost (no micro driver for it, no calls on the request path). */
  note?: string;
  /** Hook vs baseline hook only: which of the two wraps it (a dropped function costs the baseline arm). */
  wrappedBy?: WrappedBy;
}

export type CostCheck = 'consistent' | 'outside' | 'smaller';

export interface CostDecomposition {
  /** Who counted the calls per request. */
  method: 'preload' | 'strace';
  functions: FunctionCost[];
  predicted: { ns: number; ciNs: [number, number] };
  measured: { ns: number; ciNs: [number, number] };
  /** measured - predicted: the cost outside the hooked calls (negative: the calls cost less in the workload). */
  excess: { ns: number; ciNs: [number, number] };
  check: CostCheck;
  /** One sentence for people. */
  message: string;
  /** Functions with calls on the request path whose per-call cost is unknown: the prediction leaves them out. */
  unmeasured: string[];
  /** Wrapped functions neither counted nor micro-benchmarked (no counter, no driver): left out too. */
  uncounted?: string[];
}

/** What the caller knows about the wrapped functions beyond the counts. */
export interface WrappedContext {
  wrappedBy?: Record<string, WrappedBy>;
  uncounted?: string[];
}

export type CostReport = CostDecomposition | { unavailable: string };

export interface MicroCost {
  estimate: number;
  ci: [number, number];
}

/** Fewer calls per request than this (a connection's accept over hundreds of keep-alive requests) cannot move the sum. */
export const NEGLIGIBLE_CALLS = 0.05;

const rss = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0));

/** Per function: its calls per request and (when measured) the micro cost, multiplied out. */
export function functionCosts(
  perRequest: Record<string, number>,
  micro: Record<string, MicroCost | string>,
  wrappedBy: Record<string, WrappedBy> = {},
): FunctionCost[] {
  return Object.entries(perRequest).map(([name, calls]) => {
    const m = micro[name];
    const by = wrappedBy[name] ? { wrappedBy: wrappedBy[name] } : {};
    if (m === undefined || typeof m === 'string') return { name, callsPerRequest: calls, note: m ?? 'not micro-benchmarked', ...by };
    return {
      name,
      ...by,
      callsPerRequest: calls,
      perCallNs: m.estimate,
      perCallCiNs: m.ci,
      predictedNs: calls * m.estimate,
      predictedCiNs: [calls * m.ci[0], calls * m.ci[1]],
    };
  });
}

/** Sum of the measured functions' predictions; the interval by root-sum-square of the half-widths. */
export function predictedOverhead(fns: FunctionCost[]): { ns: number; ciNs: [number, number] } {
  const parts = fns.filter((f) => f.predictedNs !== undefined && f.predictedCiNs !== undefined);
  const ns = parts.reduce((s, f) => s + f.predictedNs!, 0);
  const below = rss(parts.map((f) => f.predictedNs! - f.predictedCiNs![0]));
  const above = rss(parts.map((f) => f.predictedCiNs![1] - f.predictedNs!));
  return { ns, ciNs: [ns - below, ns + above] };
}

/** measured - predicted with the interval of a difference of independent estimates. */
export function excessOverhead(
  measured: { ns: number; ciNs: [number, number] },
  predicted: { ns: number; ciNs: [number, number] },
): { ns: number; ciNs: [number, number] } {
  const ns = measured.ns - predicted.ns;
  const below = Math.hypot(measured.ns - measured.ciNs[0], predicted.ciNs[1] - predicted.ns);
  const above = Math.hypot(measured.ciNs[1] - measured.ns, predicted.ns - predicted.ciNs[0]);
  return { ns, ciNs: [ns - below, ns + above] };
}

export function costCheck(excess: { ciNs: [number, number] }): CostCheck {
  if (excess.ciNs[0] > 0) return 'outside';
  if (excess.ciNs[1] < 0) return 'smaller';
  return 'consistent';
}

export function decompose(
  method: 'preload' | 'strace',
  perRequest: Record<string, number>,
  micro: Record<string, MicroCost | string>,
  measured: { ns: number; ciNs: [number, number] },
  context: WrappedContext = {},
): CostDecomposition {
  const functions = functionCosts(perRequest, micro, context.wrappedBy);
  const predicted = predictedOverhead(functions);
  const excess = excessOverhead(measured, predicted);
  const check = costCheck(excess);
  const unmeasured = functions.filter((f) => f.predictedNs === undefined && f.callsPerRequest >= NEGLIGIBLE_CALLS).map((f) => f.name);
  const uncounted = context.uncounted?.length ? context.uncounted : undefined;
  const message = costMessage(check, excess, [...unmeasured, ...(uncounted ?? [])]);
  return { method, functions, predicted, measured, excess, check, message, unmeasured, ...(uncounted ? { uncounted } : {}) };
}

export function costMessage(check: CostCheck, excess: { ns: number; ciNs: [number, number] }, unmeasured: string[]): string {
  // Unmeasured functions can only add cost: they may explain an excess, never a shortfall.
  const named = (why = '') => (unmeasured.length ? ` (${unmeasured.join(', ')} not micro-benchmarked${why})` : '');
  const gap = named(': part of it may be theirs');
  const range = (ns: number, lo: number, hi: number) => `${formatNs(ns)} per request (${formatNs(lo)} .. ${formatNs(hi)})`;
  if (check === 'outside') {
    return `the measured shift exceeds the hooked calls' micro-benchmarked cost by ${range(excess.ns, ...excess.ciNs)}: the cost is outside the hooked calls, or they take a costlier path here than in the micro benchmark${gap}`;
  }
  if (check === 'smaller') {
    return `the measured shift is smaller than the hooked calls' cost by ${range(-excess.ns, -excess.ciNs[1], -excess.ciNs[0])}: the hooked calls cost less in this workload than in the micro benchmark${named()}`;
  }
  return `the hooked calls account for the measured shift (difference ${range(excess.ns, ...excess.ciNs)}, interval includes 0)${gap}`;
}
