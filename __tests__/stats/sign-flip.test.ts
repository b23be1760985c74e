import { describe, expect, it } from 'vitest';
import { combineScores, tFromSelfNormalised } from '../../src/stats/sign-flip';
import { ref } from './fixtures';

describe('combineScores (vs itertools enumeration / scipy.stats.t)', () => {
  it('matches z, p and reference', () => {
    for (const c of ref.signFlip) {
      const r = combineScores(c.d);
      expect(r.reference).toBe(c.reference);
      expect(r.z).toBeCloseTo(c.z, 12);
      if (c.reference === 'sign-flip') expect(r.p).toBe(c.p);
      else {
        expect(tFromSelfNormalised(r.z, c.d.length)).toBeCloseTo(c.t, 10);
        expect(Math.abs(r.p - c.p)).toBeLessThan(1e-12 + 5e-7 * c.p); // the t tail (jstat), see student-t.test.ts
      }
    }
  });
  it('degenerate inputs', () => {
    expect(combineScores([])).toEqual({ z: 0, p: 1, reference: 'none' });
    expect(combineScores([0, 0, 0])).toEqual({ z: 0, p: 1, reference: 'none' });
    const all = combineScores(new Array(20).fill(0.3));
    expect(all.reference).toBe('t');
    expect(all.p).toBe(0);
    expect(combineScores(new Array(20).fill(-0.3)).p).toBe(1);
    expect(() => combineScores([1, NaN])).toThrow();
  });
  it('16 rounds enumerates 65536 assignments quickly', () => {
    const d = Array.from({ length: 16 }, (_, i) => Math.sin(i + 1));
    const t0 = performance.now();
    const r = combineScores(d);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(r.p * 65536).toBeCloseTo(Math.round(r.p * 65536), 9);
  });
});
