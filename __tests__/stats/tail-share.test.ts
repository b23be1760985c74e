// The tail test's numerics against SciPy/NumPy (scripts/fixtures/make-tail-test-fixtures.py): the
// pooled type-7 quantile and each arm's share above it, and the sign-flip p-values of the sum of
// per-round differences (scipy.stats.permutation_test, exact), of rounds or of blocks of rounds.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signFlipSumTest, tailShares } from '../../src/stats';

interface ShareCase { baseline: number[]; candidate: number[]; level: number; shift: number; quantile: number; shares: [number, number] }
interface SignFlipCase { d: number[]; upper: number; lower: number; blocks?: number }
const ref: { shares: ShareCase[]; signFlip: SignFlipCase[]; blocks: SignFlipCase[] } = JSON.parse(
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
    expect(got.blockSize).toBe(1);
    expect(got.upper).toBeCloseTo(c.upper, 12);
    expect(got.lower).toBeCloseTo(c.lower, 12);
  });

  it.each(ref.blocks.map((c, i) => [i, c] as const))('beyond 16 rounds, blocks of ceil(R / 16) rounds, case %i (scipy on the block sums)', (_, c) => {
    const got = signFlipSumTest(c.d);
    expect(got.blockSize).toBe(Math.ceil(c.d.length / 16));
    expect(Math.floor(c.d.length / got.blockSize)).toBe(c.blocks);
    expect(got.upper).toBeCloseTo(c.upper, 12);
    expect(got.lower).toBeCloseTo(c.lower, 12);
  });

  it('all zero differences are no evidence', () => {
    expect(signFlipSumTest([0, 0, 0])).toEqual({ upper: 1, lower: 1, blockSize: 1 });
  });
});
