// The Wald-Wolfowitz moments against enumeration of every ordering, and the Bartlett long-run
// variance against its quadratic-form definition.
import { describe, expect, it } from 'vitest';
import { bartlettBandwidth, bartlettLongRunVariance, circularLag1Moments, serialCorrelationTest } from '../../src/stats';

function permutations(a: number[]): number[][] {
  if (a.length <= 1) return [a];
  return a.flatMap((v, i) => permutations([...a.slice(0, i), ...a.slice(i + 1)]).map((p) => [v, ...p]));
}

describe('circularLag1Moments (vs all n! orderings)', () => {
  it.each([
    [[0.3, -1.2, 2.0, 0.5, 0.5, -0.7]],
    [[1, 2, 3, 4, 5, 6, 7]],
    [[-3.5, 0.01, 0.02, 8, -1, 2.5, 2.5]],
    [[1, 1, 1, -1]],
  ])('%o', (x) => {
    const sums = permutations(x).map((p) => p.reduce((s, v, i) => s + v * p[(i + 1) % p.length], 0));
    const mean = sums.reduce((a, b) => a + b, 0) / sums.length;
    const variance = sums.reduce((a, b) => a + (b - mean) ** 2, 0) / sums.length;
    const m = circularLag1Moments(x);
    expect(m.mean).toBeCloseTo(mean, 10);
    expect(m.variance).toBeCloseTo(variance, 9);
  });
});

describe('serialCorrelationTest', () => {
  it('two blocks of rounds (a placement that sticks) are flagged; alternating ones are not', () => {
    const blocks = [1.1, 0.9, 1.2, 1.0, 0.8, -1.0, -1.1, -0.9, -1.2, -0.8];
    const alternating = [1.1, -0.9, 1.2, -1.0, 0.8, -1.0, 1.1, -0.9, 1.2, -0.8];
    expect(serialCorrelationTest(blocks).p).toBeLessThan(0.01);
    expect(serialCorrelationTest(alternating).p).toBeGreaterThan(0.99);
  });
  it('too short or constant: no evidence', () => {
    expect(serialCorrelationTest([1, 2, 3])).toEqual({ z: 0, p: 1 });
    expect(serialCorrelationTest([2, 2, 2, 2, 2])).toEqual({ z: 0, p: 1 });
  });
});

describe('bartlettLongRunVariance (vs sum_{s,t} w(|s - t|) y_s y_t)', () => {
  it.each([0, 1, 2, 3, 5])('bandwidth %i', (L) => {
    const x = [0.4, -1.3, 2.2, 0.7, 0.1, -0.6, 1.9, -2.4, 0.3];
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    let q = 0;
    for (let s = 0; s < x.length; s++) {
      for (let t = 0; t < x.length; t++) q += Math.max(0, 1 - Math.abs(s - t) / (L + 1)) * (x[s] - mean) * (x[t] - mean);
    }
    expect(bartlettLongRunVariance(x, L)).toBeCloseTo(q, 12);
  });
  it('bandwidth floor(R^(1/3))', () => {
    expect([1, 7, 8, 26, 27, 64, 1000].map(bartlettBandwidth)).toEqual([1, 1, 2, 2, 3, 4, 10]);
  });
});
