// The decomposition's measurements after the gate: a micro benchmark of the hook (vs the baseline
// hook, or none) for every counted function - in a hook-vs-hook gate also those only the baseline
// hook wraps, whose cost per call then comes out negative - with calls on the request path (at least NEGLIGIBLE_CALLS
// per request) and a micro driver.
//
// The batches are short bursts after a pause (about BURST_NS of calls, then PAUSE_US asleep), like a
// server's work between requests: on a loaded host long batches of a costly call measure the CPU
// contention (a CPU hog is time-sliced; a woken sleeper runs at once), not the call.
import { median } from '../stats';
import { ensureDriver, isMicroFunction, runDriver, type MicroFunction } from '../micro/driver';
import { runMicro } from '../micro/benchmark';
import type { Config } from '../config';
import type { CallsReport, Verdict } from '../types';
import { decompose, NEGLIGIBLE_CALLS, type CostReport, type MicroCost, type WrappedContext } from './decompose';
import { wrappedByEach, wrappedFunctions } from './wrapped';
import { sutEnvironment } from '../runtime/sut-env';

/** Fewer rounds than `hook-latency micro`'s 30: this runs after the gate, for every counted function. */
export const DECOMPOSE_MICRO_ROUNDS = 16;
const BURST_NS = 250_000;
const PAUSE_US = 500;

/** Calls per batch so that one batch of the slower arm lasts about BURST_NS. */
export function burstBatchSize(perCallNs: number): number {
  if (!(perCallNs > 0)) return 1000;
  return Math.min(1000, Math.max(10, Math.round(BURST_NS / perCallNs)));
}

/** A failed micro run becomes that function's note: the verdict measured before it is never lost. */
export async function costReport(calls: CallsReport, verdict: Verdict, config: Config): Promise<CostReport> {
  if ('unavailable' in calls) return { unavailable: calls.unavailable };
  const micro: Record<string, MicroCost | string> = {};
  for (const [fn, perRequest] of Object.entries(calls.perRequest)) {
    if (!(perRequest >= NEGLIGIBLE_CALLS)) micro[fn] = perRequest > 0 ? 'negligible calls per request' : 'no calls per request';
    else if (!isMicroFunction(fn)) micro[fn] = 'no micro driver';
    else micro[fn] = await microCost(fn, config).catch((err: Error) => `micro benchmark failed: ${err.message}`);
  }
  return decompose(calls.method, calls.perRequest, micro, { ns: verdict.shift.ns, ciNs: verdict.shift.ciNs }, wrappedContext(calls, config));
}

/** The uncounted functions, and in a hook-vs-hook gate which of the two hooks wraps each function. */
function wrappedContext(calls: Extract<CallsReport, { perRequest: unknown }>, config: Config): WrappedContext {
  const uncounted = calls.uncounted ?? [];
  if (!config.hook || !config.baselineHook) return { uncounted };
  const fns = [...Object.keys(calls.perRequest), ...uncounted];
  const wrappedBy = wrappedByEach(fns, wrappedFunctions(config.hook).wrapped, wrappedFunctions(config.baselineHook).wrapped);
  return { uncounted, wrappedBy };
}

async function microCost(fn: MicroFunction, config: Config): Promise<MicroCost> {
  const env = sutEnvironment(config.sut.env);
  const driver = await ensureDriver();
  // The slower arm sets the burst: the hook's, or the baseline hook's for a function the hook dropped.
  const arms = [config.hook, config.baselineHook].filter((h): h is string => Boolean(h));
  const pilots = await Promise.all(arms.map((ldPreload) => runDriver({ driver, function: fn, batches: 5, batchSize: 100, pauseUs: PAUSE_US, ldPreload, env })));
  const slowest = Math.max(...pilots.map((p) => median(p.batches)));
  const r = await runMicro({
    function: fn,
    hook: config.hook,
    baselineHook: config.baselineHook,
    rounds: DECOMPOSE_MICRO_ROUNDS,
    batchSize: burstBatchSize(slowest),
    batches: 20,
    pauseUs: PAUSE_US,
    seed: config.seed,
    env,
  });
  return { estimate: r.analysis.estimate, ci: r.analysis.ci };
}
