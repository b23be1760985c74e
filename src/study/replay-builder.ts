// Builds interleaved replays from one sequential trace, as the gate would have measured it: the
// trace's requests labelled baseline/candidate in coin-flipped pairs, rounds = consecutive segments.
// A true effect and a per-round instance offset can be injected on the candidate, to measure the
// false-positive rate (A/A) and the power of the gate on real, noisy latencies.
import { Prng } from '../experiment/prng';
import { pairSchedule } from '../experiment/schedule';
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
}

export function buildReplay(trace: Float64Array, spec: ReplaySpec): RoundData[] {
  const rounds: RoundData[] = [];
  const rng = new Prng(spec.seed ^ 0x5bd1e995);
  const pairs = spec.requestsPerRound >> 1;
  for (let r = 0, from = spec.start; from + 2 * pairs <= trace.length; r++, from += 2 * pairs) {
    const arm = pairSchedule(spec.seed, r, pairs);
    const offset = 1 + spec.instanceSd * gaussian(rng);
    const latencyNs = new Float64Array(arm.length);
    for (let i = 0; i < arm.length; i++) {
      const v = trace[from + i];
      latencyNs[i] = arm[i] === 1 ? Math.max(1, Math.round(v * (1 + spec.effect) * offset)) : v;
    }
    rounds.push({ round: r, arm, seq: Float64Array.from(arm, (_, i) => i), latencyNs, startNs: null, status: null });
  }
  return rounds;
}

/** Standard normal by Box-Muller. */
function gaussian(rng: Prng): number {
  const u = Math.max(rng.nextFloat(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat());
}
