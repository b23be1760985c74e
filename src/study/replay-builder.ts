// Builds interleaved replays from one sequential trace, as the gate would have measured it: the
// trace's requests labelled baseline/candidate in coin-flipped pairs, rounds = consecutive segments.
// A true effect and a per-round instance offset can be injected on the candidate, to measure the
// false-positive rate (A/A) and the power of the gate on real, noisy latencies; so can round effects
// that persist from one round to the next (a placement that sticks) and failed requests.
import { Prng } from '../experiment/prng';
import { firstStarted, pairSchedule } from '../experiment/schedule';
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
  /**
   * A relative offset of +size or -size whose sign follows a two-state Markov chain over rounds: it
   * keeps its sign from one round to the next with probability `stay` and starts in either state
   * with probability 1/2 (the chain's stationary law: no slowdown on average). `on: 'slot'` (the
   * default) puts it on the round's first-started instance, whichever arm the round's coin put
   * there, as a placement or start-order effect does live; `on: 'arm'` puts it on the candidate in
   * every round, an effect that follows the arm itself, which the design's coin cannot reach.
   * `stay: 1` keeps the first sign for the whole run.
   */
  persistent?: { size: number; stay: number; on?: 'slot' | 'arm' };
  /** Share of requests, in both arms alike, that fail (status 0 or 500, chosen at random). */
  errorRate?: number;
}

export function buildReplay(trace: Float64Array, spec: ReplaySpec): RoundData[] {
  const rounds: RoundData[] = [];
  const rng = new Prng(spec.seed ^ 0x5bd1e995);
  const markov = new Prng(spec.seed ^ 0x2545f491);
  const faults = new Prng(spec.seed ^ 0x68e31da4);
  const pairs = spec.requestsPerRound >> 1;
  let sign = markov.nextBit() ? 1 : -1;
  for (let r = 0, from = spec.start; from + 2 * pairs <= trace.length; r++, from += 2 * pairs) {
    const arm = pairSchedule(spec.seed, r, pairs);
    if (r > 0 && spec.persistent && markov.nextFloat() >= spec.persistent.stay) sign = -sign;
    const persistent = 1 + sign * (spec.persistent?.size ?? 0);
    const onCandidate = spec.persistent?.on === 'arm' || firstStarted(spec.seed, r) === 'candidate';
    const factor = [onCandidate ? 1 : persistent, (1 + spec.effect) * (1 + spec.instanceSd * gaussian(rng)) * (onCandidate ? persistent : 1)];
    const latencyNs = new Float64Array(arm.length);
    for (let i = 0; i < arm.length; i++) {
      const v = trace[from + i];
      latencyNs[i] = factor[arm[i]!] === 1 ? v : Math.max(1, Math.round(v * factor[arm[i]!]!));
    }
    const status = spec.errorRate ? failures(faults, arm.length, spec.errorRate) : null;
    rounds.push({ round: r, arm, seq: Float64Array.from(arm, (_, i) => i), latencyNs, startNs: null, status });
  }
  return rounds;
}

/** Status per request: 200, or with probability `rate` a failure, a transport error (0) or a 500 alike. */
function failures(rng: Prng, n: number, rate: number): Int32Array {
  const status = new Int32Array(n).fill(200);
  for (let i = 0; i < n; i++) if (rng.nextFloat() < rate) status[i] = rng.nextBit() ? 500 : 0;
  return status;
}

/** Standard normal by Box-Muller. */
function gaussian(rng: Prng): number {
  const u = Math.max(rng.nextFloat(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}
