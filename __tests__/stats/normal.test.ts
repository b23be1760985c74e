import { describe, expect, it } from 'vitest';
import { jStat } from '../../src/stats/jstat';
import { normalCdf, normalPdf, normalQuantile, normalSf } from '../../src/stats/normal';
import { close, decode, ref, relativeError, tailRef } from './fixtures';

describe('normal (vs scipy.stats.norm)', () => {
  it('cdf matches to 1e-13 relative', () => {
    for (const [x, v] of ref.normal.cdf) expect(close(normalCdf(x), decode(v), 1e-13, 1e-300), `cdf(${x})`).toBe(true);
  });
  it('sf keeps relative precision in the far upper tail', () => {
    for (const [x, v] of ref.normal.sf) expect(close(normalSf(x), decode(v), 2e-13, 1e-300), `sf(${x})`).toBe(true);
    for (const [x, v] of tailRef.normalSf) expect(close(normalSf(x), v, 2e-13), `sf(${x})`).toBe(true);
  });
  it('why erfc stays ours: jstat\'s upper tail is 1 - erf, off by 2e-5 at p = 1e-12 and 0 beyond z = 8.3', () => {
    const jstatSf = (x: number) => jStat.normal.cdf(-x, 0, 1);
    const err = tailRef.normalSf.map(([x, v]) => [x, relativeError(jstatSf(x), v)] as const);
    // Measured with jstat 1.9.6 against SciPy, at the z of p = 1e-6, 1e-9, 1e-12, then z = 7.5, 8,
    // 8.3, 9, 10: 2.7e-11, 2.7e-8, 2.2e-5, 3.1e-4, 1.8e-2, 6.6e-2, then 0 for SciPy's 1.1e-19 and 7.6e-24.
    // Ours at the same points: 2e-15 or better.
    expect(err.find(([x]) => x > 7 && x < 7.1)![1]).toBeGreaterThan(1e-5);
    expect(err.find(([x]) => x === 8)![1]).toBeGreaterThan(1e-2);
    expect(jstatSf(9)).toBe(0);
    // Ours, same points: within 2e-13 (the test above); z = 30 (p 5e-198) is a normal end of a long run.
    expect(normalSf(30)).toBeGreaterThan(0);
  });
  it('ppf (jstat) matches to 5e-7 relative for p in [1e-12, 1 - 1e-12], both tails', () => {
    for (const [p, v] of tailRef.normalPpf) expect(close(normalQuantile(p), v, 5e-7, 1e-15), `ppf(${p})`).toBe(true);
    for (const [p, v] of ref.normal.ppf) {
      if (p >= 1e-12 && p <= 1 - 1e-12) expect(close(normalQuantile(p), decode(v), 5e-7, 1e-15), `ppf(${p})`).toBe(true);
    }
    // In the body, where the CIs and sample sizes live (alpha, power), it is as good as exact.
    for (const [p, v] of ref.normal.ppf) if (p >= 0.001 && p <= 0.999) expect(close(normalQuantile(p), decode(v), 1e-13, 1e-15), `ppf(${p})`).toBe(true);
  });
  it('ppf below p = 1e-12 is off by up to 1e-2 (no caller goes there: they pass 1 - q)', () => {
    const worst = Math.max(...tailRef.normalPpfBeyond.map(([p, v]) => relativeError(normalQuantile(p), v)));
    // Measured: 2.0e-6 at 1e-13, 9.3e-6 at 1e-14, 3.7e-3 at 1e-16, 1.2e-2 at 1e-20, 8.0e-4 at 1e-300.
    expect(worst).toBeGreaterThan(1e-3);
    expect(worst).toBeLessThan(2e-2);
  });
  it('pdf matches scipy.stats.norm.pdf to 1e-14 relative, out to 37 sd', () => {
    expect(normalPdf(0)).toBeCloseTo(1 / Math.sqrt(2 * Math.PI), 15);
    expect(tailRef.normalPdf.length).toBeGreaterThan(5);
    for (const [z, v] of tailRef.normalPdf) expect(relativeError(normalPdf(z), v), `z = ${z}`).toBeLessThan(1e-14);
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
