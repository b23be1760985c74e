import { describe, expect, it } from 'vitest';
import { mser, mserTruncation } from '../../src/stats/mser';
import { lag1 } from '../../src/stats/autocorrelation';
import { ref } from './fixtures';

const mser5Of = (series: ArrayLike<number>) => mser(series, 5);

describe('MSER-5 (vs direct Python transcription)', () => {
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
  it('rejects bad batch sizes and non-finite data', () => {
    expect(() => mser([1, 2, 3], 0)).toThrow();
    expect(() => mser5Of([1, NaN, 3, 4, 5, 6, 7, 8, 9, 10])).toThrow();
    expect(mser5Of([])).toEqual({ cut: 0, batches: 0, valid: false });
  });
});

describe('lag1 (vs direct Python transcription)', () => {
  it('matches', () => {
    for (const c of ref.series) expect(lag1(c.series), c.name).toBeCloseTo(c.lag1, 12);
  });
  it('is 0 for n < 3 or constant', () => {
    expect(lag1([1, 2])).toBe(0);
    expect(lag1([4, 4, 4, 4])).toBe(0);
  });
});
