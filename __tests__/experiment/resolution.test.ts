// What a run could resolve: the estimate's distance above its interval's lower bound. The interval
// moves with the data, so the same rounds with the candidate slower by a little more than that
// cross the boundary at a budget of 0, and by a little less do not.
import { describe, expect, it } from 'vitest';
import { analyzeLook, shiftInterval } from '../../src/experiment/analysis';
import { resolutionOf } from '../../src/experiment/outcome';
import { prepareRound } from '../../src/experiment/prepared-round';
import { Prng } from '../../src/experiment/prng';
import { pairSchedule } from '../../src/experiment/schedule';
import type { RoundData } from '../../src/types';

/** 12 rounds of 200 coin-flipped pairs around 20 µs, the candidate `addNs` slower in every request. */
function rounds(addNs: number): RoundData[] {
  const rng = new Prng(77);
  return Array.from({ length: 12 }, (_, r) => {
    const arm = pairSchedule(77, r, 200);
    const latencyNs = Float64Array.from(arm, (a) => Math.round(20_000 * (0.9 + 0.2 * rng.nextFloat())) + (a ? addNs : 0));
    return { round: r, arm, seq: Float64Array.from(arm, (_, i) => i), latencyNs, startNs: null, status: null };
  });
}

const LEVEL = 0.02;
const budget = { ns: 0 };

function look(addNs: number) {
  const prepared = rounds(addNs).map(prepareRound);
  const a = analyzeLook(prepared, budget);
  const ci = shiftInterval(prepared, LEVEL, 'ns', a.scaleBudget, a.scaleShift);
  return { p: a.p, shift: { relative: a.shift.relative, ns: a.shift.ns, ci: ci.relative, ciNs: ci.ns } };
}

describe('resolutionOf', () => {
  it('a slowdown just beyond the resolution crosses at a budget of 0, one just short of it does not', () => {
    const aa = look(0);
    const { ns } = resolutionOf(aa.shift);
    expect(ns).toBeGreaterThan(0);
    expect(aa.p).toBeGreaterThan(LEVEL);
    const beyond = Math.ceil(1.1 * ns - aa.shift.ns);
    const short = Math.floor(0.9 * ns - aa.shift.ns);
    expect(look(beyond).p).toBeLessThanOrEqual(LEVEL);
    expect(look(short).p).toBeGreaterThan(LEVEL);
  });
});
