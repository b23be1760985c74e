// E-divisive against the NumPy reference of scripts/fixtures/make-e-divisive-fixtures.py: the
// divergence Q of fixed splits, the best split of a whole series, and the recursion with its seeded
// permutation test (same generator, so the p-values and the change points agree exactly).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bestSplit, divergence, eDivisive, type EDivisiveOptions } from '../../src/stats/e-divisive';

interface Case {
  name: string;
  series: number[];
  options: Required<EDivisiveOptions>;
  divergence: Array<{ a: number; tau: number; kappa: number; q: number }>;
  best: { tau: number; kappa: number; q: number };
  changePoints: number[];
  tests: Array<{ tau: number; kappa: number; q: number; p: number }>;
}

const path = fileURLToPath(new URL('./fixtures/e-divisive-reference.json', import.meta.url));
const { cases } = JSON.parse(readFileSync(path, 'utf8')) as { cases: Case[] };

describe('E-divisive (Matteson & James 2014) against the NumPy reference', () => {
  it('has the fixture cases', () => expect(cases.length).toBeGreaterThanOrEqual(5));

  for (const c of cases) {
    it(`${c.name}: divergence of fixed splits`, () => {
      for (const d of c.divergence) expect(divergence(c.series, d.a, d.tau, d.kappa)).toBeCloseTo(d.q, 6);
    });

    it(`${c.name}: the best split found by the O(L^2) scan`, () => {
      const b = bestSplit(c.series, 0, c.series.length, c.options.minSize)!;
      expect([b.tau, b.kappa]).toEqual([c.best.tau, c.best.kappa]);
      expect(b.q).toBeCloseTo(c.best.q, 6);
      expect(b.q).toBeCloseTo(divergence(c.series, 0, b.tau, b.kappa), 6);
    });

    it(`${c.name}: change points and permutation p-values`, () => {
      const r = eDivisive(c.series, c.options);
      expect(r.changePoints).toEqual(c.changePoints);
      expect(r.tests.map((t) => [t.tau, t.kappa, t.p])).toEqual(c.tests.map((t) => [t.tau, t.kappa, t.p]));
    });
  }

  it('is deterministic for a seed and refuses bad input', () => {
    const z = cases[0]!.series;
    expect(eDivisive(z, { seed: 3 })).toEqual(eDivisive(z, { seed: 3 }));
    expect(() => eDivisive([1, 2, NaN])).toThrow(RangeError);
    expect(() => eDivisive(z, { minSize: 1 })).toThrow(RangeError);
    expect(eDivisive([1, 2, 3]).changePoints).toEqual([]);
  });
});
