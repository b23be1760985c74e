// The normal-mixture e-process against its definition integrated numerically by SciPy
// (scripts/fixtures/make-e-process-fixtures.py), and its time-uniform level on symmetric scores.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/experiment/prng';
import { normalMixtureBoundary, normalMixtureEValue, normalMixtureRho } from '../../src/stats';

const ref = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/e-process-reference.json', import.meta.url)), 'utf8'));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('normal mixture e-process', () => {
  it.each(ref.eValue as Array<{ sum: number; sumSq: number; rho: number; eValue: number }>)(
    'e-value at S = $sum, V = $sumSq, rho = $rho: the mixture integral',
    (c) => expect(rel(normalMixtureEValue(c.sum, c.sumSq, c.rho), c.eValue)).toBeLessThan(1e-9),
  );
  it.each(ref.boundary as Array<{ sumSq: number; rho: number; alpha: number; boundary: number }>)(
    'boundary at V = $sumSq, rho = $rho, alpha = $alpha: where the integral reaches 1/alpha',
    (c) => expect(rel(normalMixtureBoundary(c.sumSq, c.rho, c.alpha), c.boundary)).toBeLessThan(1e-9),
  );
  it.each(ref.bestRho as Array<{ v: number; alpha: number; rho: number; boundary: number }>)(
    'rho for V = $v, alpha = $alpha: a boundary within 0.01 % of the numerically best one',
    (c) => {
      const b = normalMixtureBoundary(c.v, normalMixtureRho(c.v, c.alpha), c.alpha);
      expect(b).toBeGreaterThanOrEqual(c.boundary * (1 - 1e-9));
      expect(rel(b, c.boundary)).toBeLessThan(1e-4);
    },
  );
  it('checked after every score, symmetric scores of uneven size cross on either side in at most alpha of paths', () => {
    // Scores with a random sign and a magnitude that changes with the path's past (heavy, growing):
    // conditionally symmetric, far from identically distributed. 4 000 paths of 300 scores, alpha 0.05.
    const rng = new Prng(20261204);
    const alpha = 0.05;
    const rho = normalMixtureRho(50, alpha);
    let crossed = 0;
    let naive = 0;
    const paths = 4000;
    for (let p = 0; p < paths; p++) {
      let s = 0;
      let v = 0;
      let naiveCrossed = false;
      for (let t = 0; t < 300; t++) {
        const size = (1 + Math.abs(s) / (1 + Math.sqrt(v))) * -Math.log(Math.max(rng.nextFloat(), 1e-12));
        const d = rng.nextBit() ? size : -size;
        s += d;
        v += d * d;
        naiveCrossed ||= Math.abs(s) >= 1.96 * Math.sqrt(v);
        if (Math.abs(s) >= normalMixtureBoundary(v, rho, alpha)) {
          crossed++;
          break;
        }
      }
      if (naiveCrossed) naive++;
    }
    const se = Math.sqrt((alpha * (1 - alpha)) / paths);
    expect(crossed / paths).toBeLessThan(alpha + 2 * se);
    // The same paths looked at with a fixed-sample z-test's 1.96 after every score: the reason for the boundary.
    expect(naive / paths).toBeGreaterThan(4 * alpha);
    expect(crossed).toBeGreaterThan(0);
  });
});
