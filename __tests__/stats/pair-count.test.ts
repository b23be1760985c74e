import { describe, expect, it } from 'vitest';
import { mannWhitneyUSorted, pairCounts } from '../../src/stats/pair-count';
import { roundScore, roundScoreUnsorted } from '../../src/stats/van-elteren';
import { ref } from './fixtures';

describe('pairCounts (vs numpy brute force)', () => {
  it('counts y - shift > x and == x', () => {
    for (const c of ref.pairs) {
      const r = pairCounts(Float64Array.from(c.x), Float64Array.from(c.y), c.shift);
      expect(r).toEqual({ greater: c.greater, equal: c.equal });
      expect(mannWhitneyUSorted(Float64Array.from(c.x), Float64Array.from(c.y), c.shift)).toBe(c.u);
    }
  });
  it('empty arrays give zero counts', () => {
    expect(pairCounts(new Float64Array(0), Float64Array.of(1), 0)).toEqual({ greater: 0, equal: 0 });
  });
});

describe('van Elteren round score (vs scipy.stats.rankdata of the pooled round)', () => {
  it('equals w (S - E S) with mid-ranks', () => {
    for (const c of ref.pairs) {
      const s = roundScore(Float64Array.from(c.x), Float64Array.from(c.y), c.shift);
      expect(s).toBeCloseTo(c.score, 10);
      const rev = [...c.y].reverse();
      expect(roundScoreUnsorted([...c.x].reverse(), rev, c.shift)).toBeCloseTo(c.score, 10);
    }
  });
  it('throws on an empty arm', () => {
    expect(() => roundScore(new Float64Array(0), Float64Array.of(1))).toThrow(/non-empty/);
  });
});
