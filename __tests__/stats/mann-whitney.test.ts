import { describe, expect, it } from 'vitest';
import { mannWhitney, mannWhitneyExactSf } from '../../src/stats/mann-whitney';
import { close, decode, ref } from './fixtures';

describe('mannWhitney (vs scipy.stats.mannwhitneyu 1.17)', () => {
  it(`matches u, p, method and z on ${ref.mannWhitney.length} cases`, () => {
    for (const c of ref.mannWhitney) {
      const s = ref.mannWhitneySamples[c.sample];
      const r = mannWhitney(s.x, s.y, { alternative: c.alternative, continuity: c.continuity, method: c.method });
      const label = `${s.kind} n=${s.x.length},${s.y.length} ${c.alternative} cc=${c.continuity} ${c.method}`;
      expect(r.u, label).toBe(c.u);
      expect(r.method, label).toBe(c.chosenMethod);
      expect(close(r.p, decode(c.p), 1e-10, 1e-15), `${label}: p ${r.p} vs ${c.p}`).toBe(true);
      if (c.z !== null) expect(close(r.z, decode(c.z), 1e-12, 1e-14), `${label}: z`).toBe(true);
    }
  });
  it('auto picks exact when one sample has <= 8 and there are no ties', () => {
    const x = [0.1, 0.5, 0.9];
    const y = Array.from({ length: 40 }, (_, i) => i / 7 + 0.01);
    expect(mannWhitney(x, y).method).toBe('exact');
    expect(mannWhitney([1, 1, 2], y).method).toBe('asymptotic');
  });
  it('exact sf is a distribution: P(U>=0)=1, symmetric, monotone', () => {
    expect(mannWhitneyExactSf(0, 4, 6)).toBe(1);
    expect(mannWhitneyExactSf(25, 4, 6)).toBe(0);
    // P(U >= k) + P(U >= mn - k + 1) = 1 by symmetry
    for (let k = 1; k <= 24; k++) expect(mannWhitneyExactSf(k, 4, 6) + mannWhitneyExactSf(25 - k, 4, 6)).toBeCloseTo(1, 14);
    // big-integer path (C(80,40) > 2^53) agrees with the symmetry too
    expect(mannWhitneyExactSf(800, 40, 40)).toBeCloseTo(0.5 + (mannWhitneyExactSf(800, 40, 40) - mannWhitneyExactSf(801, 40, 40)) / 2, 12);
  });
  it('rejects empty samples, NaN, unknown options', () => {
    expect(() => mannWhitney([], [1, 2])).toThrow(/non-empty/);
    expect(() => mannWhitney([1], [])).toThrow(/non-empty/);
    expect(() => mannWhitney([1, NaN], [2])).toThrow(/NaN/);
    // @ts-expect-error invalid on purpose
    expect(() => mannWhitney([1], [2], { alternative: 'bigger' })).toThrow(/alternative/);
  });
});

describe('mannWhitneyGreaterSorted (vs scipy.stats.mannwhitneyu, asymptotic, continuity)', () => {
  it('matches U and p of every asymptotic one-sided case', async () => {
    const { mannWhitneyGreaterSorted } = await import('../../src/stats/mann-whitney-sorted');
    let checked = 0;
    for (const c of ref.mannWhitney) {
      if (c.method !== 'asymptotic' || !c.continuity || c.alternative === 'two-sided') continue;
      const s = ref.mannWhitneySamples[c.sample];
      // scipy's 'greater' is x > y; ours is (second - shift) > first.
      const [first, second] = c.alternative === 'greater' ? [s.y, s.x] : [s.x, s.y];
      const r = mannWhitneyGreaterSorted(Float64Array.from(first).sort(), Float64Array.from(second).sort());
      const m = s.x.length * s.y.length;
      expect(c.alternative === 'greater' ? r.u : m - r.u).toBeCloseTo(c.u, 9);
      expect(close(r.p, decode(c.p), 1e-9, 1e-15), `${s.kind} ${c.alternative}: ${r.p} vs ${c.p}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });
});
