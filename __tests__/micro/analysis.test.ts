// The micro statistics on synthetic batch means: known shifts, the budget, interval behaviour.
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/experiment/prng';
import { analyzeMicro } from '../../src/micro/benchmark';

/** R rounds of B batch means: a per-round level (instance effect) + noise; candidate shifted by `shift`. */
function rounds(R: number, B: number, shift: number, seed = 1, noise = 5, instance = 50) {
  const g = new Prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - g.nextFloat())) * Math.cos(2 * Math.PI * g.nextFloat());
  return Array.from({ length: R }, () => {
    const level = 700 + instance * gauss();
    return {
      baseline: Array.from({ length: B }, () => level + noise * gauss()),
      candidate: Array.from({ length: B }, () => level + shift + noise * gauss()),
    };
  });
}

describe('analyzeMicro', () => {
  it('recovers a known shift, with an interval around it, and flags it against a zero budget', () => {
    const a = analyzeMicro(rounds(30, 10, 40));
    expect(a.estimate).toBeGreaterThan(37);
    expect(a.estimate).toBeLessThan(43);
    expect(a.ci[0]).toBeLessThan(a.estimate);
    expect(a.ci[1]).toBeGreaterThan(a.estimate);
    expect(a.ci[0]).toBeGreaterThan(30);
    expect(a.verdict).toBe('regression');
    // 30 rounds: 10 blocks of 3, all positive: the smallest p the reference has.
    expect(a.p).toBe(2 ** -10);
    expect(a.reference).toBe('block sign-flip');
  });

  it('does not flag a shift inside the budget', () => {
    const a = analyzeMicro(rounds(30, 10, 40), { threshold: { ns: 60 } });
    expect(a.thresholdNs).toBe(60);
    expect(a.verdict).toBe('no-regression');
    expect(a.p).toBeGreaterThan(0.5);
  });

  it('takes a relative budget of the baseline median', () => {
    const data = rounds(10, 10, 0);
    // The median of all 100 baseline batch means, computed here by a plain sort.
    const all = data.flatMap((r) => r.baseline).sort((x, y) => x - y);
    const med = (all[49]! + all[50]!) / 2;
    const a = analyzeMicro(data, { threshold: { relative: 0.1 } });
    expect(a.baselineNs).toBeGreaterThan(med - 1e-9);
    expect(a.baselineNs).toBeLessThan(med + 1e-9);
    expect(a.thresholdNs).toBeGreaterThan(0.1 * med - 1e-9);
    expect(a.thresholdNs).toBeLessThan(0.1 * med + 1e-9);
  });

  it('gives no regression and an interval containing 0 for an A/A comparison (exact sign-flip reference)', () => {
    const a = analyzeMicro(rounds(12, 10, 0, 7));
    expect(a.reference).toBe('sign-flip');
    expect(a.ci[0]).toBeLessThan(0);
    expect(a.ci[1]).toBeGreaterThan(0);
    expect(a.verdict).toBe('no-regression');
  });

  it('per-round instance differences do not leak into the shift (stratified by round)', () => {
    const a = analyzeMicro(rounds(20, 10, 5, 3, 2, 200));
    expect(Math.abs(a.estimate - 5)).toBeLessThan(1.5);
  });

  it('one round: no interval (t(0) has no critical value) and never a regression', () => {
    const a = analyzeMicro(rounds(1, 10, 100));
    expect(a.ci).toEqual([-Infinity, Infinity]);
    expect(a.verdict).toBe('no-regression');
    expect(a.estimate).toBeGreaterThan(90);
  });
});
