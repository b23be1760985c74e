import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BoundarySequence,
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

// Boundaries found by root-finding on SciPy's multivariate normal CDF (scripts/fixtures/make-boundary-fixtures.py).
const bref = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/boundary-reference.json', import.meta.url)), 'utf8'));
// 1e-6 where SciPy's integration is that precise; else three times the uncertainty of its root.
const tolerance = (uncertainty: number) => Math.max(1e-6, 3 * uncertainty);

describe('upperBoundaries', () => {
  it('match boundaries computed with scipy.stats.multivariate_normal to 1e-6', () => {
    expect(bref.boundaries.length).toBeGreaterThanOrEqual(3);
    for (const c of bref.boundaries) {
      const b = upperBoundaries(c.alpha, c.times);
      b.forEach((v, k) =>
        expect(Math.abs(v - c.boundaries[k]), `alpha ${c.alpha} times ${c.times} look ${k + 1}`).toBeLessThan(tolerance(c.uncertainty[k])),
      );
    }
  });
  it('agree with the published O\'Brien-Fleming-type values (Jennison & Turnbull), to their 3 decimals', () => {
    [4.229, 2.888, 2.298, 1.962, 1.74].forEach((v, i) => expect(Math.abs(upperBoundaries(0.05, FIVE)[i]! - v)).toBeLessThan(0.0006));
    [4.877, 3.357, 2.68, 2.29, 2.031].forEach((v, i) => expect(Math.abs(upperBoundaries(0.025, FIVE)[i]! - v)).toBeLessThan(0.0006));
  });
  it('a single look at t = 1 is z_{1-alpha}', () => {
    expect(upperBoundaries(0.05, [1])[0]).toBeCloseTo(normalQuantile(0.95), 12);
  });
  it('the crossing probabilities of the SciPy boundaries are the spending increments', () => {
    for (const c of bref.boundaries) {
      const probs = crossingProbabilities(c.boundaries, c.times, 0);
      probs.forEach((p, k) => {
        const increment = obrienFlemingSpending(c.times[k], c.alpha) - obrienFlemingSpending(c.times[k - 1] ?? 0, c.alpha);
        expect(Math.abs(p - increment)).toBeLessThan(1e-7);
      });
    }
  });
  it('nextBoundary after the planned boundaries, and after other used boundaries, matches SciPy', () => {
    for (const c of bref.boundaries) {
      const last = c.times.length - 1;
      expect(Math.abs(nextBoundary(c.alpha, c.times, c.boundaries.slice(0, last)) - c.boundaries[last])).toBeLessThan(tolerance(c.uncertainty[last]));
    }
    for (const c of bref.next) {
      const expected = c.next === 'Infinity' ? Infinity : c.next;
      const got = nextBoundary(c.alpha, c.times, c.used);
      if (expected === Infinity) expect(got).toBe(Infinity);
      else expect(Math.abs(got - expected)).toBeLessThan(tolerance(c.uncertainty));
    }
  });
  it('BoundarySequence, look by look, matches the SciPy boundaries', () => {
    for (const c of bref.boundaries) {
      const seq = new BoundarySequence(c.alpha);
      c.times.forEach((t: number, k: number) =>
        expect(Math.abs(seq.next(t) - c.boundaries[k]), `alpha ${c.alpha} times ${c.times} look ${k + 1}`).toBeLessThan(tolerance(c.uncertainty[k])),
      );
    }
    // Looks a run of small rounds takes: close together early, then the plan's end.
    const times = [0.05, 0.06, 0.08, 0.3, 0.31, 1];
    const seq = new BoundarySequence(0.045);
    const b = times.map((t) => seq.next(t));
    // Each boundary spends exactly the spending function's increment (forward integration, crossingProbabilities).
    crossingProbabilities(b, times, 0).forEach((p, k) =>
      expect(Math.abs(p - (obrienFlemingSpending(times[k]!, 0.045) - obrienFlemingSpending(times[k - 1] ?? 0, 0.045)))).toBeLessThan(1e-9),
    );
    expect(() => seq.next(0.9)).toThrow(/increase/);
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
