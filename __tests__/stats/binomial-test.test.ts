// The exact conditional error-rate test against scipy.stats.binomtest
// (scripts/fixtures/make-error-test-fixtures.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorRateExcess, errorRateP } from '../../src/experiment/error-rate';
import { binomialUpperTail } from '../../src/stats';

const ref = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/error-test-reference.json', import.meta.url)), 'utf8'));

describe('binomialUpperTail (vs scipy.stats.binomtest, alternative="greater")', () => {
  it.each(ref.upperTail as Array<[number, number, number, number]>)('P(Bin(%i trials = %i, %f) >= x)', (x, k, pi, p) => {
    expect(Math.abs(binomialUpperTail(x, k, pi) - p)).toBeLessThanOrEqual(1e-12 + 1e-7 * p); // jstat's incomplete beta: see incomplete-beta.test.ts
  });
  it('no errors at all is no evidence; bad arguments throw', () => {
    expect(binomialUpperTail(0, 0, 0.5)).toBe(1);
    expect(() => binomialUpperTail(3, 2, 0.5)).toThrow();
    expect(() => binomialUpperTail(1.5, 2, 0.5)).toThrow();
    expect(() => binomialUpperTail(1, 2, 1.5)).toThrow();
  });
});

describe('errorRateP: exact conditional test of the two arms (vs scipy.stats.binomtest)', () => {
  it.each(ref.arms as Array<{ errors: { baseline: number; candidate: number }; requests: { baseline: number; candidate: number }; p: number; fisher: number }>)(
    'errors %o',
    (c) => {
      expect(Math.abs(errorRateP(c.errors, c.requests) - c.p)).toBeLessThanOrEqual(1e-12 + 1e-7 * c.p); // jstat's incomplete beta
    },
  );
  it('3 errors vs 0 in 2 000 requests per arm is no regression at any level below 0.125 (the z-test said p = 0.042)', () => {
    const c = ref.arms[0];
    expect(c.p).toBe(0.125);
    expect(errorRateExcess(c.errors, c.requests, 0.05)).toBeNull();
    expect(errorRateExcess(c.errors, c.requests, 0.126)).toMatch(/exact conditional p = 1\.25e-1/); // 0.125 up to the incomplete beta's 1e-7
  });
  it('12 errors vs 0 in 4 000 per arm is a regression at the share of alpha a final look holds (0.005)', () => {
    const c = ref.arms.find((a: { errors: { candidate: number } }) => a.errors.candidate === 12);
    expect(c.p).toBeLessThan(0.005);
    expect(errorRateExcess(c.errors, c.requests, 0.005)).toMatch(/^the candidate fails more requests: 12 errors \(0\.30%\) vs 0/);
  });
});
