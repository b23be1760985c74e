// The request order within a round. Pure: the same (seed, round, pairs) always gives the same order.
//
// Requests go in pairs, one per arm; a fresh fair coin flip decides which arm takes the pair's first
// slot (randomized multiple interleaved trials, Abedi & Brecht, ICPE 2017; "duet" benchmarking,
// Bulej et al., ICPE 2020). Drift and autocorrelation therefore hit both arms alike, and the
// randomization itself supplies the variance the test uses.
import { Prng, STREAM, deriveSeed } from './prng';

/** Arm codes in schedules, matching RoundData.arm: 0 = baseline, 1 = candidate. */
export const BASELINE = 0;
export const CANDIDATE = 1;

function checkCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

/**
 * The recorded schedule of one round: length 2*pairs; positions 2k and 2k+1 hold one 0 and one 1,
 * the order chosen by a coin flip from the round's own stream deriveSeed(seed, round, STREAM.schedule).
 */
export function pairSchedule(seed: number, round: number, pairs: number): Uint8Array {
  checkCount(pairs, 'pairs');
  const rng = new Prng(deriveSeed(seed, round, STREAM.schedule));
  const out = new Uint8Array(2 * pairs);
  for (let k = 0; k < pairs; k++) {
    const first = rng.nextBit();
    out[2 * k] = first;
    out[2 * k + 1] = 1 - first;
  }
  return out;
}

/**
 * Warm-up order (not recorded): warmupPerArm requests per arm in pairs, the round's first-started arm
 * leading every pair (see firstStarted).
 */
export function warmupSchedule(warmupPerArm: number, first: 'baseline' | 'candidate' = 'baseline'): Uint8Array {
  checkCount(warmupPerArm, 'warmupPerArm');
  const lead = first === 'baseline' ? BASELINE : CANDIDATE;
  const out = new Uint8Array(2 * warmupPerArm);
  for (let i = 0; i < out.length; i++) out[i] = i % 2 === 0 ? lead : 1 - lead;
  return out;
}

/**
 * The round's coin that puts the two arms in its two slots: the arm it names is started first,
 * listed first in the pod, given the lower port and leads the warm-up pairs. A fair coin from the
 * round's own stream, so nothing that differs between the slots (a warmer page cache, the first free
 * CPU, a port, a placement that sticks from round to round) can favour one arm: under "no
 * difference" each round score's sign is this coin's, which is the sign-flip test's reference.
 */
export function firstStarted(seed: number, round: number): 'baseline' | 'candidate' {
  return new Prng(deriveSeed(seed, round, STREAM.startOrder)).nextBit() === BASELINE ? 'baseline' : 'candidate';
}

/** The round's two ports for the arms: the first-started arm (firstStarted) gets `low`, the other `high`. */
export function slotPorts(first: 'baseline' | 'candidate', low: number, high: number): { baseline: number; candidate: number } {
  return first === 'baseline' ? { baseline: low, candidate: high } : { baseline: high, candidate: low };
}
