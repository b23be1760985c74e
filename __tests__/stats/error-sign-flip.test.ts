// The error test's exact sign-flip p over rounds, against an exhaustive enumeration of the sign
// assignments and against scipy.stats.binomtest on the sign counts
// (scripts/fixtures/make-error-test-fixtures.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { errorRateExcess, errorRateP } from '../../src/experiment/error-rate';
import { integerSignFlipPValue } from '../../src/stats';

const ref = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/error-test-reference.json', import.meta.url)), 'utf8'));
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-13 + 1e-12 * b;

describe('integerSignFlipPValue', () => {
  it.each(ref.enumeration as Array<[number[], number]>)('d = %j (all 2^R sign assignments listed)', (d, p) => {
    expect(close(integerSignFlipPValue(d), p)).toBe(true);
  });
  it.each(ref.signTest as Array<[number[], number]>)('d = %j of +-1 and 0 (scipy binomtest on the signs)', (d, p) => {
    expect(close(integerSignFlipPValue(d), p)).toBe(true);
  });
  it('no non-zero difference is no evidence; non-integers throw', () => {
    expect(integerSignFlipPValue([])).toBe(1);
    expect(integerSignFlipPValue([0, 0, 0])).toBe(1);
    expect(() => integerSignFlipPValue([1.5])).toThrow(/integers/);
  });
});

describe('errorRateP: the unit is the round', () => {
  it('one round with a burst of 20 failed candidate requests and nothing else: p = 1/2, whatever the requests', () => {
    const perRound = Array.from({ length: 10 }, (_, r) => ({ baseline: 0, candidate: r === 3 ? 20 : 0 }));
    expect(errorRateP(perRound)).toBe(0.5);
    expect(errorRateExcess(perRound, { baseline: 4000, candidate: 4000 }, 0.005)).toBeNull();
  });
  it('more failed candidate requests in 12 of 12 rounds: p = 2^-12, and the reason counts the rounds', () => {
    const perRound = Array.from({ length: 12 }, (_, r) => ({ baseline: r % 2, candidate: 2 + (r % 3) }));
    expect(errorRateP(perRound)).toBe(2 ** -12);
    expect(errorRateExcess(perRound, { baseline: 4800, candidate: 4800 }, 0.005)).toMatch(
      /^the candidate fails more requests: 36 errors \(0\.75%\) vs 6 \(0\.13%\), more in 12 rounds and fewer in 0; exact sign-flip p over rounds = 2\.44e-4/,
    );
  });
});
