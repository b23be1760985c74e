import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { combineScores } from '../../src/stats/sign-flip';
import { ref } from './fixtures';

// R >= 17 (blocks from 20): scripts/fixtures/make-sign-flip-block-fixtures.py
const blocks = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/sign-flip-blocks.json', import.meta.url)), 'utf8'));

describe('combineScores (vs itertools / NumPy enumeration)', () => {
  it('matches z and p for up to 16 rounds', () => {
    for (const c of ref.signFlip.filter((x: { reference: string }) => x.reference === 'sign-flip')) {
      const r = combineScores(c.d);
      expect(r.reference).toBe('sign-flip');
      expect(r.z).toBeCloseTo(c.z, 12);
      expect(r.p).toBe(c.p);
    }
  });
  it.each(blocks as Array<{ d: number[]; blockSize: number; z: number; p: number; pLower: number }>)(
    '$d.length rounds: blocks of $blockSize, both tails',
    (c) => {
      const r = combineScores(c.d);
      expect(r.blockSize).toBe(c.blockSize);
      expect(r.reference).toBe(c.blockSize === 1 ? 'sign-flip' : 'block sign-flip');
      expect(r.z).toBeCloseTo(c.z, 12);
      expect(r.p).toBe(c.p);
      expect(r.pLower).toBe(c.pLower);
    },
  );
  it('degenerate inputs', () => {
    expect(combineScores([])).toMatchObject({ z: 0, p: 1, pLower: 1, reference: 'none' });
    expect(combineScores([0, 0, 0])).toMatchObject({ z: 0, p: 1, pLower: 1, reference: 'none' });
    const all = combineScores(new Array(20).fill(0.3));
    expect(all.reference).toBe('block sign-flip');
    expect(all.p).toBe(2 ** -10);
    expect(combineScores(new Array(20).fill(-0.3)).p).toBe(1);
    expect(() => combineScores([1, NaN])).toThrow();
  });
  it('16 rounds enumerates 65536 assignments quickly', () => {
    const d = Array.from({ length: 16 }, (_, i) => Math.sin(i + 1));
    const t0 = performance.now();
    const r = combineScores(d);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(r.p * 65536).toBeCloseTo(Math.round(r.p * 65536), 9);
  });
});
