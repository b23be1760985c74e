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

/** Warm-up order (not recorded): warmupPerArm requests per arm, alternating baseline, candidate, ... */
export function warmupSchedule(warmupPerArm: number): Uint8Array {
  checkCount(warmupPerArm, 'warmupPerArm');
  const out = new Uint8Array(2 * warmupPerArm);
  for (let i = 1; i < out.length; i += 2) out[i] = 1;
  return out;
}

/**
 * Which arm's SUT instance is started first in a round: a fair coin from the round's own stream,
 * so start order (which instance gets a warmer page cache, the first free CPU, ...) cannot favour one arm.
 */
export function firstStarted(seed: number, round: number): 'baseline' | 'candidate' {
  return new Prng(deriveSeed(seed, round, STREAM.startOrder)).nextBit() === BASELINE ? 'baseline' : 'candidate';
}
