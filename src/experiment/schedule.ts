// The request order within a round. Pure: the same (seed, round, pairs) always gives the same order.
//
// Requests go in pairs, one per arm, in strict alternation (A B A B ...); the round's coin
// (firstStarted) decides which arm leads. The round is the randomized unit (the sign-flip test flips
// whole rounds), so one coin per round is all the test needs; drift and the neighbour's request hit
// both arms alike because every request of one arm sits between two of the other. A coin per pair
// (randomized multiple interleaved trials, Abedi & Brecht, ICPE 2017) was the order before: it sends
// a quarter of the requests to the instance that answered the request before, a second latency mode
// 20-25 % faster on one CPU, which widened every round (docs/method.md, "A quiet instrument").
import { Prng, STREAM, deriveSeed } from './prng';

/** Arm codes in schedules, matching RoundData.arm: 0 = baseline, 1 = candidate. */
export const BASELINE = 0;
export const CANDIDATE = 1;

function checkCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, got ${n}`);
}

/**
 * The recorded schedule of one round: length 2*pairs; positions 2k and 2k+1 hold one 0 and one 1,
 * the same order in every pair: the round's first-started arm (firstStarted) first, so the warm-up
 * pairs and the recorded ones form one unbroken alternation.
 */
export function pairSchedule(seed: number, round: number, pairs: number): Uint8Array {
  checkCount(pairs, 'pairs');
  return alternation(pairs, firstStarted(seed, round));
}

/**
 * Warm-up order (not recorded): warmupPerArm requests per arm in pairs, the round's first-started arm
 * leading every pair (see firstStarted).
 */
export function warmupSchedule(warmupPerArm: number, first: 'baseline' | 'candidate' = 'baseline'): Uint8Array {
  checkCount(warmupPerArm, 'warmupPerArm');
  return alternation(warmupPerArm, first);
}

/** `pairs` pairs in strict alternation, `first` leading each. */
function alternation(pairs: number, first: 'baseline' | 'candidate'): Uint8Array {
  const lead = first === 'baseline' ? BASELINE : CANDIDATE;
  const out = new Uint8Array(2 * pairs);
  for (let i = 0; i < out.length; i++) out[i] = i % 2 === 0 ? lead : 1 - lead;
  return out;
}

/**
 * The round's coin that puts the two arms in its two slots: the arm it names is started first,
 * listed first in the pod, given the lower port and leads every pair, warm-up and recorded. A fair coin from the
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
