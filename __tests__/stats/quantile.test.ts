import { describe, expect, it } from 'vitest';
import { median, medianSorted, quantileSorted } from '../../src/stats/quantile';
import { ref } from './fixtures';

describe('quantiles (vs numpy.quantile / numpy.median)', () => {
  it('type-7 quantiles and the median match numpy', () => {
    for (const c of ref.quantile) {
      const sorted = Float64Array.from(c.values as number[]).sort();
      c.ps.forEach((p: number, i: number) => expect(quantileSorted(sorted, p), `${c.name} p=${p}`).toBeCloseTo(c.quantiles[i], 12));
      expect(median(c.values), c.name).toBeCloseTo(c.median, 12);
      expect(medianSorted(sorted), c.name).toBeCloseTo(c.median, 12);
    }
  });
  it('no data gives NaN; the input is not reordered', () => {
    expect(median([])).toBeNaN();
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});
