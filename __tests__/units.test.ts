import { describe, expect, it } from 'vitest';
import { formatNs, formatPercent, parseCount, parseDuration, parseThreshold } from '../src/units';

describe('units', () => {
  it('parses budgets: relative and absolute', () => {
    expect(parseThreshold('2%')).toEqual({ relative: 0.02 });
    expect(parseThreshold('0')).toEqual({ relative: 0 });
    expect(parseThreshold('50us')).toEqual({ ns: 50_000 });
    expect(parseThreshold('1.5ms')).toEqual({ ns: 1_500_000 });
    expect(() => parseThreshold('fast')).toThrow(/2% or 50us/);
  });
  it('parses durations and counts', () => {
    expect(parseDuration('90s', 'd')).toBe(90_000);
    expect(parseDuration('10m', 'd')).toBe(600_000);
    expect(parseCount('20k', 'n')).toBe(20_000);
  });
  it('formats ns and ratios, and says so for unbounded interval ends', () => {
    expect(formatNs(20_840)).toBe('20.84 µs');
    expect(formatNs(2_675_000)).toBe('2.675 ms');
    expect(formatPercent(0.0712)).toBe('+7.12%');
    expect(formatPercent(-0.005)).toBe('-0.5%');
    expect(formatPercent(Infinity)).toBe('+∞');
    expect(formatNs(-Infinity)).toBe('−∞');
    expect(formatPercent(NaN)).toBe('n/a');
  });
});
