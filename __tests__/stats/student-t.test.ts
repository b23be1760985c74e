import { describe, expect, it } from 'vitest';
import { regularizedBeta } from '../../src/stats/incomplete-beta';
import { tCdf, tSf } from '../../src/stats/student-t';
import { normalSf } from '../../src/stats/normal';
import { close, decode, ref } from './fixtures';

describe('incomplete beta (vs scipy.special.betainc)', () => {
  it('matches to 1e-11 relative', () => {
    for (const c of ref.beta) {
      expect(close(regularizedBeta(c.x, c.a, c.b), decode(c.value), 1e-11, 1e-300), JSON.stringify(c)).toBe(true);
    }
  });
  it('edges', () => {
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(regularizedBeta(0.5, -1, 3)).toBeNaN();
    expect(regularizedBeta(1.5, 1, 3)).toBeNaN();
  });
});

describe('Student t (vs scipy.stats.t)', () => {
  it('cdf and sf match to 1e-11 relative', () => {
    for (const c of ref.t) {
      expect(close(tCdf(c.x, c.df), decode(c.cdf), 1e-11, 1e-300), `cdf ${c.x} ${c.df}`).toBe(true);
      expect(close(tSf(c.x, c.df), decode(c.sf), 1e-11, 1e-300), `sf ${c.x} ${c.df}`).toBe(true);
    }
  });
  it('edges: df = Infinity is normal, invalid df is NaN', () => {
    expect(tSf(1.3, Infinity)).toBe(normalSf(1.3));
    expect(tSf(1, 0)).toBeNaN();
    expect(tCdf(1, -2)).toBeNaN();
    expect(tSf(Infinity, 3)).toBe(0);
    expect(tCdf(-Infinity, 3)).toBe(0);
  });
});
