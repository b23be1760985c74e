import { describe, expect, it } from 'vitest';
import { midRanks } from '../../src/stats/ranks';
import { ref } from './fixtures';

describe('midRanks (vs scipy.stats.rankdata average)', () => {
  it('matches ranks and tie sums', () => {
    for (const c of ref.ranks) {
      const { ranks, tieSum } = midRanks(c.values);
      expect(Array.from(ranks)).toEqual(c.ranks);
      expect(tieSum).toBe(c.tieSum);
    }
  });
  it('empty input gives empty ranks; NaN throws', () => {
    expect(midRanks([]).ranks.length).toBe(0);
    expect(midRanks([]).tieSum).toBe(0);
    expect(() => midRanks([1, NaN])).toThrow(/NaN/);
  });
});
