// Builds interleaved replays from one sequential trace, as the gate would have measured it: the
// trace's requests labelled baseline/candidate in the gate's order (pairSchedule), rounds =
// consecutive segments.
// A true effect and a per-round instance offset can be injected on the candidate, to measure the
// false-positive rate (A/A) and the power of the gate on real, noisy latencies; so can round effects
// that persist from one round to the next (a placement that sticks) and failed requests.
import { Prng } from '../experiment/prng';
import { firstStarted, pairSchedule } from '../experiment/schedule';
import { median } from '../stats';
import type { RoundData } from '../types';

export interface ReplaySpec {
  /** Index of the first request used (0 = inside the warm-up). */
  start: number;
  requestsPerRound: number;
  seed: number;
  /** Relative slowdown applied to candidate requests (0.07 = +7 %). */
  effect: number;
  /** Standard deviation of a per-round relative offset on the candidate (instance-to-instance). */
  instanceSd: number;
  /** The same per round, when it changes during the run (noise that rises: a plan that grows); overrides instanceSd. */
  instanceSdAt?: (round: number) => number;
  /**
   * A relative offset of +size or -size whose sign follows a two-state Markov chain over rounds: it
   * keeps its sign from one round to the next with probability `stay` and starts in either state
   * with probability 1/2 (the chain's stationary law: no slowdown on average). `on: 'slot'` (the
   * default) puts it on the round's first-started instance, whichever arm the round's coin put
   * there, as a placement or start-order effect does live; `on: 'arm'` puts it on the candidate in
   * every round, an effect that follows the arm itself, which the design's coin cannot reach.
   * `stay: 1` keeps the first sign for the whole run. `additive: true` adds size x the trace's median
   * in ns instead of multiplying by 1 + size (a fixed cost of the slot, as a noisy neighbour's is).
   */
  persistent?: { size: number; stay: number; on?: 'slot' | 'arm'; additive?: boolean };
  /** Share of requests that fail (status 0 or 500, chosen at random): one share for both arms, or one per arm. */
  errorRate?: number | { baseline: number; candidate: number };
  /**
   * One instance that fails a burst of consecutive requests: in one round drawn from the first
   * `withinRounds`, a coin picks the arm, and `min`-`max` of its requests in a row fail (in the
   * round's second half, past any warm-up cut).
   */
  burst?: { min: number; max: number; withinRounds: number };
  /** A hook that stalls now and then: each candidate request, with probability `share`, takes `ns` longer (the median barely moves). */
  stall?: { share: number; ns: number };
  /** Effects of where a request sits in the round's order rather than of its arm. */
  order?: OrderEffects;
}

/** Relative slowdowns that depend on a request's place in the round, whatever its own arm. */
export interface OrderEffects {
  /** On the request right after a candidate request (the hook leaves work or cold caches behind). */
  carryover?: number;
  /** On every other request (seq 1, 3, 5, ...): a rhythm of the client or the host with period 2. */
  everyOther?: number;
  /** Rising linearly through each round, from 0 on its first request to this on its last. */
  drift?: number;
}

export function buildReplay(trace: Float64Array, spec: ReplaySpec): RoundData[] {
  const rounds: RoundData[] = [];
  const rng = new Prng(spec.seed ^ 0x5bd1e995);
  const markov = new Prng(spec.seed ^ 0x2545f491);
  const faults = new Prng(spec.seed ^ 0x68e31da4);
  const stalls = new Prng(spec.seed ^ 0x3c6ef372);
  const pairs = spec.requestsPerRound >> 1;
  // An additive slot effect starts with the sign of its size (the two signs bias a relative budget's test differently).
  let sign = spec.persistent?.additive ? 1 : markov.nextBit() ? 1 : -1;
  let traceMedian: number | undefined;
  const burst = spec.burst && drawBurst(new Prng(spec.seed ^ 0x1b873593), spec.burst, pairs);
  for (let r = 0, from = spec.start; from + 2 * pairs <= trace.length; r++, from += 2 * pairs) {
    const arm = pairSchedule(spec.seed, r, pairs);
    if (r > 0 && spec.persistent && markov.nextFloat() >= spec.persistent.stay) sign = -sign;
    const slot = sign * (spec.persistent?.size ?? 0);
    const persistent = spec.persistent?.additive ? 1 : 1 + slot;
    const onCandidate = spec.persistent?.on === 'arm' || firstStarted(spec.seed, r) === 'candidate';
    const factor = [onCandidate ? 1 : persistent, (1 + spec.effect) * (1 + (spec.instanceSdAt?.(r) ?? spec.instanceSd) * gaussian(rng)) * (onCandidate ? persistent : 1)];
    const addNs = spec.persistent?.additive ? slot * (traceMedian ??= median(trace)) : 0;
    const added = onCandidate ? [0, addNs] : [addNs, 0];
    const latencyNs = new Float64Array(arm.length);
    for (let i = 0; i < arm.length; i++) {
      const v = trace[from + i];
      const a = arm[i]!;
      latencyNs[i] = factor[a] === 1 && added[a] === 0 ? v : Math.max(1, Math.round(v * factor[a]! + added[a]!));
    }
    if (spec.stall) addStalls(latencyNs, arm, spec.stall, stalls);
    if (spec.order) applyOrderEffects(latencyNs, arm, spec.order);
    const status = spec.errorRate || burst?.round === r ? failures(faults, arm, spec.errorRate ?? 0) : null;
    if (status && burst?.round === r) failBurst(status, arm, burst);
    rounds.push({ round: r, arm, seq: Float64Array.from(arm, (_, i) => i), latencyNs, startNs: null, status });
  }
  return rounds;
}

/** Each candidate request (arm 1) takes `ns` longer with probability `share`. */
function addStalls(latencyNs: Float64Array, arm: Uint8Array, stall: NonNullable<ReplaySpec['stall']>, rng: Prng): void {
  for (let i = 0; i < arm.length; i++) if (arm[i] === 1 && rng.nextFloat() < stall.share) latencyNs[i] += stall.ns;
}

function applyOrderEffects(latencyNs: Float64Array, arm: Uint8Array, e: OrderEffects): void {
  const last = Math.max(1, latencyNs.length - 1);
  for (let i = 0; i < latencyNs.length; i++) {
    let f = 1 + ((e.drift ?? 0) * i) / last;
    if (i % 2 === 1) f *= 1 + (e.everyOther ?? 0);
    if (i > 0 && arm[i - 1] === 1) f *= 1 + (e.carryover ?? 0);
    latencyNs[i] = Math.max(1, Math.round(latencyNs[i]! * f));
  }
}

/** Status per request: 200, or with its arm's probability a failure, a transport error (0) or a 500 alike. */
function failures(rng: Prng, arm: Uint8Array, rate: NonNullable<ReplaySpec['errorRate']>): Int32Array {
  const rates = typeof rate === 'number' ? [rate, rate] : [rate.baseline, rate.candidate];
  const status = new Int32Array(arm.length).fill(200);
  for (let i = 0; i < arm.length; i++) if (rng.nextFloat() < rates[arm[i]!]!) status[i] = rng.nextBit() ? 500 : 0;
  return status;
}

interface Burst {
  round: number;
  arm: number;
  /** The arm's request (counted within the arm) where the burst starts, and how many fail. */
  from: number;
  length: number;
}

function drawBurst(rng: Prng, b: NonNullable<ReplaySpec['burst']>, perArm: number): Burst {
  const length = b.min + rng.nextInt(b.max - b.min + 1);
  return { round: rng.nextInt(b.withinRounds), arm: rng.nextBit(), from: (perArm >> 1) + rng.nextInt(Math.max(1, (perArm >> 1) - length)), length };
}

/** The burst's arm fails `length` of its requests in a row. */
function failBurst(status: Int32Array, arm: Uint8Array, b: Burst): void {
  for (let i = 0, k = 0; i < arm.length; i++) {
    if (arm[i] !== b.arm) continue;
    if (k >= b.from && k < b.from + b.length) status[i] = 500;
    k++;
  }
}

/** Standard normal by Box-Muller. */
function gaussian(rng: Prng): number {
  const u = Math.max(rng.nextFloat(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}
