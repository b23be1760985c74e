import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, normalSf } from '../../src/stats/normal';
import { close, decode, ref } from './fixtures';

describe('normal (vs scipy.stats.norm)', () => {
  it('cdf matches to 1e-13 relative', () => {
    for (const [x, v] of ref.normal.cdf) expect(close(normalCdf(x), decode(v), 1e-13, 1e-300), `cdf(${x})`).toBe(true);
  });
  it('sf keeps relative precision in the far upper tail', () => {
    for (const [x, v] of ref.normal.sf) expect(close(normalSf(x), decode(v), 2e-13, 1e-300), `sf(${x})`).toBe(true);
  });
  it('ppf (AS 241) matches to 1e-14 relative', () => {
    for (const [p, v] of ref.normal.ppf) expect(close(normalQuantile(p), decode(v), 1e-14, 1e-15), `ppf(${p})`).toBe(true);
  });
  it('edge values', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalQuantile(NaN)).toBeNaN();
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalSf(Infinity)).toBe(0);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(NaN)).toBeNaN();
    expect(normalCdf(0)).toBe(0.5);
  });
});
