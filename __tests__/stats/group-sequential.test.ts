import { describe, expect, it } from 'vitest';
import {
  crossingProbabilities,
  nextBoundary,
  obrienFlemingSpending,
  upperBoundaries,
} from '../../src/stats/group-sequential';
import { normalQuantile } from '../../src/stats/normal';
import { ref } from './fixtures';

const FIVE = [0.2, 0.4, 0.6, 0.8, 1];

describe('Lan-DeMets O\'Brien-Fleming spending', () => {
  it('values', () => {
    expect(obrienFlemingSpending(0, 0.05)).toBe(0);
    expect(obrienFlemingSpending(1, 0.05)).toBe(0.05);
    expect(obrienFlemingSpending(1.3, 0.05)).toBe(0.05);
    expect(obrienFlemingSpending(0.999999999, 0.05)).toBeCloseTo(0.05, 8);
    // 2 - 2 Phi(1.959964 / sqrt(0.5)) = 2 * 0.0027883...
    expect(obrienFlemingSpending(0.5, 0.05)).toBeCloseTo(0.005574596, 8);
  });
});

describe('upperBoundaries (published values, Jennison & Turnbull / DESIGN.md)', () => {
  it('alpha 0.05, five equal looks', () => {
    const b = upperBoundaries(0.05, FIVE);
    [4.229, 2.888, 2.298, 1.962, 1.74].forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThan(0.002));
  });
  it('alpha 0.025, five equal looks', () => {
    const b = upperBoundaries(0.025, FIVE);
    [4.877, 3.357, 2.68, 2.29, 2.031].forEach((v, i) => expect(Math.abs(b[i]! - v)).toBeLessThan(0.002));
  });
  it('a single look at t = 1 is z_{1-alpha}', () => {
    expect(upperBoundaries(0.05, [1])[0]).toBeCloseTo(normalQuantile(0.95), 12);
  });
  it('total type I error equals alpha (drift 0)', () => {
    for (const alpha of [0.05, 0.025]) {
      const b = upperBoundaries(alpha, FIVE);
      const total = crossingProbabilities(b, FIVE, 0).reduce((s, v) => s + v, 0);
      expect(total).toBeCloseTo(alpha, 9);
    }
    const times = [0.15, 0.5, 0.55, 0.9];
    const b = upperBoundaries(0.05, times);
    const probs = crossingProbabilities(b, times, 0);
    probs.forEach((p, k) => expect(p).toBeCloseTo(obrienFlemingSpending(times[k]!, 0.05) - obrienFlemingSpending(times[k - 1] ?? 0, 0.05), 9));
  });
  it('nextBoundary reproduces upperBoundaries and adapts to used boundaries', () => {
    const b = upperBoundaries(0.05, FIVE);
    expect(nextBoundary(0.05, FIVE, b.slice(0, 4))).toBeCloseTo(b[4]!, 8);
    expect(nextBoundary(0.05, [0.2], [])).toBeCloseTo(b[0]!, 12);
    // Earlier looks used different boundaries: the last spends the remainder, total stays alpha.
    const used = [3.5, 2.6];
    const last = nextBoundary(0.05, [0.3, 0.6, 1], used);
    const total = crossingProbabilities([...used, last], [0.3, 0.6, 1], 0).reduce((s, v) => s + v, 0);
    expect(total).toBeCloseTo(0.05, 9);
    // Nothing left to spend -> +Infinity.
    expect(nextBoundary(0.05, [0.5, 0.9], [1.0])).toBe(Infinity);
  });
  it('validates times', () => {
    expect(() => upperBoundaries(0.05, [])).toThrow();
    expect(() => upperBoundaries(0.05, [0.5, 0.5])).toThrow(/increase/);
    expect(() => upperBoundaries(1.5, [1])).toThrow(/alpha/);
  });
});

describe('crossingProbabilities (vs scipy.stats.multivariate_normal)', () => {
  it('matches per-look probabilities', () => {
    for (const c of ref.groupSequential) {
      const p = crossingProbabilities(c.boundaries, c.times, c.drift);
      p.forEach((v, k) => expect(Math.abs(v - c.probs[k])).toBeLessThan(2e-7));
    }
  });
});
