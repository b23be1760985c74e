import { describe, expect, it } from 'vitest';
import {
  achievedPower,
  noetherTotal,
  superiorityFromPilot,
  varianceInflation,
} from '../../src/stats/sample-size';
import { ref } from './fixtures';

describe('Noether sample size and power (vs scipy.stats.norm)', () => {
  it('noetherTotal', () => {
    for (const c of ref.noether) expect(noetherTotal(c)).toBeCloseTo(c.total, 8);
    expect(noetherTotal({ alpha: 0.05, power: 0.8, p: 0.5 })).toBe(Infinity);
  });
  it('achievedPower', () => {
    for (const c of ref.power) expect(achievedPower(c)).toBeCloseTo(c.power, 13);
  });
  it('achievedPower is the rejection rate of a simulated one-sided Mann-Whitney test (SciPy, 10 000 data sets)', () => {
    // Noether's normal approximation is within about 0.01 of the simulated rate at these sizes;
    // a wrong level (two-sided), variance or scale would be off by 0.05 or more.
    for (const c of ref.powerSimulation) {
      const predicted = achievedPower({ total: c.total, alpha: c.alpha, p: c.p });
      expect(Math.abs(predicted - c.rejectionRate)).toBeLessThan(0.015 + 3 * c.se);
    }
  });
  it('validates inputs', () => {
    expect(() => noetherTotal({ alpha: 0, power: 0.8, p: 0.6 })).toThrow(/alpha/);
    expect(() => noetherTotal({ alpha: 0.05, power: 1, p: 0.6 })).toThrow(/power/);
    expect(() => achievedPower({ total: -1, alpha: 0.05, p: 0.6 })).toThrow(/total/);
  });
});

describe('superiorityFromPilot (vs numpy over all n^2 pairs)', () => {
  it('matches', () => {
    for (const c of ref.pilot) expect(superiorityFromPilot(Float64Array.from(c.pilot), c.shift)).toBeCloseTo(c.p, 14);
  });
  it('shift 0 gives 1/2; empty throws', () => {
    expect(superiorityFromPilot(Float64Array.of(1, 2, 2, 5), 0)).toBe(0.5);
    expect(() => superiorityFromPilot(new Float64Array(0), 0.1)).toThrow(/empty/);
  });
});

describe('varianceInflation', () => {
  it('clamps r1 to [0, 0.9]', () => {
    expect(varianceInflation(-0.5)).toBe(1);
    expect(varianceInflation(0.5)).toBeCloseTo(3, 14);
    expect(varianceInflation(0.99)).toBeCloseTo(19, 12);
    expect(() => varianceInflation(NaN)).toThrow();
  });
});
