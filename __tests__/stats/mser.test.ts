import { describe, expect, it } from 'vitest';
import { mser, mserTruncation } from '../../src/stats/mser';
import { lag1 } from '../../src/stats/autocorrelation';
import { ref } from './fixtures';

const mser5Of = (series: ArrayLike<number>) => mser(series, 5);

describe('MSER-5 (vs NumPy, written from White 1997)', () => {
  it('cut, batches and validity match', () => {
    for (const c of ref.series) {
      const r = mser5Of(c.series);
      if (c.mser5 === null) expect(r, c.name).toEqual({ cut: 0, batches: Math.floor(c.series.length / 5), valid: false });
      else expect(r, c.name).toEqual({ cut: c.mser5.cut, batches: c.mser5.batches, valid: c.mser5.valid });
      if (c.mser1 !== null) {
        expect(mser(c.series, 1), `${c.name} b=1`).toEqual({ cut: c.mser1.cut, batches: c.mser1.batches, valid: c.mser1.valid });
      }
    }
  });
  it('the first-half truncation the gate uses matches its reference', () => {
    for (const c of ref.series) {
      if (c.truncation === null) continue;
      expect(mserTruncation(c.series), c.name).toEqual(c.truncation);
    }
    const late = ref.series.find((c: { name: string }) => c.name === 'late-shift');
    expect(mserTruncation(late.series).cut).toBeLessThanOrEqual(late.series.length / 2);
  });
  it('detects the transient', () => {
    const t = ref.series.find((c: { name: string }) => c.name === 'transient');
    expect(mser5Of(t.series).cut).toBeGreaterThan(0);
  });
  it('cuts a step transient exactly where it ends', () => {
    // 50 observations at 10, then 450 at 0: every tail from observation 50 on has zero variance, so
    // MSER(d) = 0 first at d = 10 batches of 5; any shorter cut leaves part of the step in.
    const step = [...Array(50).fill(10), ...Array(450).fill(0)];
    expect(mser5Of(step)).toEqual({ cut: 50, batches: 100, valid: true });
    expect(mserTruncation(step)).toEqual({ cut: 50, batches: 100, valid: true });
    // A step longer than half the series is beyond what the rule trusts.
    const late = [...Array(300).fill(10), ...Array(200).fill(0)];
    expect(mser5Of(late)).toEqual({ cut: 300, batches: 100, valid: false });
  });
  it('rejects bad batch sizes and non-finite data', () => {
    expect(() => mser([1, 2, 3], 0)).toThrow();
    expect(() => mser5Of([1, NaN, 3, 4, 5, 6, 7, 8, 9, 10])).toThrow();
    expect(mser5Of([])).toEqual({ cut: 0, batches: 0, valid: false });
  });
});

describe('lag1 (vs numpy.correlate)', () => {
  it('matches', () => {
    for (const c of ref.series) expect(lag1(c.series), c.name).toBeCloseTo(c.lag1, 12);
  });
  it('is -1 + O(1/n) for an alternating series, +1 - O(1/n) for a slow ramp', () => {
    // Alternating +-1: sum of lag-1 products -(n - 1), sum of squares n.
    expect(lag1(Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1)))).toBeCloseTo(-99 / 100, 14);
    expect(lag1(Array.from({ length: 1000 }, (_, i) => i))).toBeGreaterThan(0.99);
  });
  it('is 0 for n < 3 or constant', () => {
    expect(lag1([1, 2])).toBe(0);
    expect(lag1([4, 4, 4, 4])).toBe(0);
  });
});
