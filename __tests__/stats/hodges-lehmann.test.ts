import { describe, expect, it } from 'vitest';
import { hodgesLehmann, hodgesLehmannSorted, kthPairDifference } from '../../src/stats/hodges-lehmann';
import { ref } from './fixtures';

describe('Hodges-Lehmann (vs numpy.median of the full difference matrix)', () => {
  it('median and k-th differences match exactly', () => {
    for (const c of ref.hodgesLehmann) {
      expect(hodgesLehmann(c.x, c.y), `${c.kind} ${c.x.length}x${c.y.length}`).toBe(c.median);
      const sx = Float64Array.from(c.x).sort();
      const sy = Float64Array.from(c.y).sort();
      for (const [k, v] of c.kth) expect(kthPairDifference(sx, sy, k), `k=${k}`).toBe(v);
    }
  });
  it('50 000 x 50 000 in well under a second', () => {
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const x = Float64Array.from({ length: 50_000 }, () => Math.log(1000 + 500 * rnd()));
    const y = Float64Array.from({ length: 50_000 }, () => Math.log(1050 + 500 * rnd()));
    x.sort();
    y.sort();
    const t0 = performance.now();
    const hl = hodgesLehmannSorted(x, y);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(hl).toBeGreaterThan(0.02);
    expect(hl).toBeLessThan(0.06);
  });
  it('errors on empty input, bad k, unsorted input', () => {
    expect(() => hodgesLehmann([], [1])).toThrow(/non-empty/);
    expect(() => kthPairDifference(Float64Array.of(1), Float64Array.of(2), 1)).toThrow(/range/);
    expect(() => kthPairDifference(Float64Array.of(2, 1), Float64Array.of(2), 0)).toThrow(/sorted/);
    expect(() => hodgesLehmann([NaN], [1])).toThrow(/NaN/);
  });
});
