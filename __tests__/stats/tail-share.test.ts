// The tail test's numerics against SciPy/NumPy (scripts/fixtures/make-tail-test-fixtures.py): the
// pooled type-7 quantile and each arm's share above it, and the sign-flip p-values of the sum of
// per-round differences (scipy.stats.permutation_test, exact).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signFlipSumTest, tailShares } from '../../src/stats';

interface ShareCase { baseline: number[]; candidate: number[]; level: number; shift: number; quantile: number; shares: [number, number] }
interface SignFlipCase { d: number[]; upper: number; lower: number }
const ref: { shares: ShareCase[]; signFlip: SignFlipCase[] } = JSON.parse(
  readFileSync(fileURLToPath(new URL('./fixtures/tail-test-reference.json', import.meta.url)), 'utf8'),
);

describe('tailShares (numpy.quantile linear, shares strictly above)', () => {
  it.each(ref.shares.map((c, i) => [i, c] as const))('case %i', (_, c) => {
    const got = tailShares(Float64Array.from(c.baseline), Float64Array.from(c.candidate), c.level, c.shift);
    expect(got.quantile).toBeCloseTo(c.quantile, 6);
    expect(got.baseline).toBeCloseTo(c.shares[0], 12);
    expect(got.candidate).toBeCloseTo(c.shares[1], 12);
  });
});

describe('signFlipSumTest', () => {
  it.each(ref.signFlip.map((c, i) => [i, c] as const))('exact, case %i (scipy permutation_test)', (_, c) => {
    const got = signFlipSumTest(c.d);
    expect(got.method).toBe('exact');
    expect(got.upper).toBeCloseTo(c.upper, 12);
    expect(got.lower).toBeCloseTo(c.lower, 12);
  });

  it('Monte Carlo (forced) agrees with the exact p within 5 standard errors of its draws (one stream for all cases, so their errors move together)', () => {
    for (const c of ref.signFlip.filter((x) => x.d.length >= 8)) {
      const mc = signFlipSumTest(c.d, { exactUpTo: 0, draws: 20000 });
      expect(mc.method).toBe('monte-carlo');
      const se = Math.sqrt((c.upper * (1 - c.upper)) / 20000) + 1 / 20000;
      expect(Math.abs(mc.upper - c.upper)).toBeLessThanOrEqual(5 * se);
    }
  });

  it('Monte Carlo p is never 0, is deterministic, and holds its level on null data', () => {
    const d = Array.from({ length: 40 }, () => 1);
    expect(signFlipSumTest(d).upper).toBe(1 / 10000);
    expect(signFlipSumTest(d).method).toBe('monte-carlo');
    // Symmetric data of 40 rounds: the sign flips see it as null; rejections at 0.05 near 5 %.
    let seed = 1;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
    let rejections = 0;
    for (let t = 0; t < 200; t++) if (signFlipSumTest(Array.from({ length: 40 }, next), { draws: 999 }).upper <= 0.05) rejections++;
    expect(rejections).toBeLessThanOrEqual(20);
    expect(signFlipSumTest([0.1, -0.2, 0.3], {})).toEqual(signFlipSumTest([0.1, -0.2, 0.3], {}));
  });

  it('all zero differences are no evidence', () => {
    expect(signFlipSumTest([0, 0, 0])).toEqual({ upper: 1, lower: 1, method: 'exact' });
  });
});
