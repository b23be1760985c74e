import { describe, expect, it } from 'vitest';
import { bisect } from '../../src/stats/root';

describe('bisect', () => {
  it('finds roots of continuous and step functions', () => {
    expect(bisect((x) => x * x - 2, 0, 2)).toBeCloseTo(Math.SQRT2, 11);
    expect(bisect((x) => Math.cos(x), 0, 3, { tol: 1e-14 })).toBeCloseTo(Math.PI / 2, 13);
    expect(bisect((x) => (x < 0.3 ? -1 : 1), 0, 1)).toBeCloseTo(0.3, 11);
    expect(bisect((x) => x - 1, 1, 5)).toBe(1);
  });
  it('throws without a sign change', () => {
    expect(() => bisect((x) => x * x + 1, -1, 1)).toThrow(/sign change/);
    expect(() => bisect((x) => x, 1, 0)).toThrow(/bracket/);
  });
});
