// pooledShift, the pooled Hodges-Lehmann-type estimate, against brute force on small inputs. The
// root of sum_r w_r (U_r(x) - m_r n_r / 2), with U_r(x) = #{c - b > x} + #{c - b = x} / 2 over the
// round's candidate/baseline pairs, is a weighted median of all pairwise differences c - b, each
// weighted by its round's van Elteren weight w_r = 1 / (m_r + n_r + 1). Here that median is found
// by enumerating and sorting the differences, with no root search.
import { describe, expect, it } from 'vitest';
import { pooledShift } from '../../src/experiment/analysis';
import type { PreparedRound } from '../../src/experiment/prepared-round';
import { Prng } from '../../src/experiment/prng';

function round(baseline: number[], candidate: number[], index = 0): PreparedRound {
  const ns = { baseline: Float64Array.from(baseline).sort(), candidate: Float64Array.from(candidate).sort() };
  return {
    round: index,
    valid: true,
    cut: 0,
    log: { baseline: ns.baseline.map(Math.log), candidate: ns.candidate.map(Math.log) },
    ns,
    lag1: { baseline: 0, candidate: 0 },
    errors: { baseline: 0, candidate: 0 },
    counted: { baseline: baseline.length, candidate: candidate.length },
    requests: baseline.length + candidate.length,
  };
}

/** [lower, upper] weighted median of the pairwise differences, by enumeration. */
function weightedMedianOfDifferences(rounds: PreparedRound[], scale: 'log' | 'ns'): [number, number] {
  const pairs: Array<[number, number]> = [];
  for (const r of rounds) {
    const { baseline, candidate } = r[scale];
    const w = 1 / (baseline.length + candidate.length + 1);
    for (const c of candidate) for (const b of baseline) pairs.push([c - b, w]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const half = pairs.reduce((s, [, w]) => s + w, 0) / 2;
  // lower: the first difference with at least half the weight at or below it;
  // upper: the last difference with at least half the weight at or above it.
  let acc = 0;
  let lower = NaN;
  for (const [d, w] of pairs) if ((acc += w) >= half * (1 - 1e-12)) { lower = d; break; }
  acc = 0;
  let upper = NaN;
  for (let i = pairs.length - 1; i >= 0; i--) if ((acc += pairs[i][1]) >= half * (1 - 1e-12)) { upper = pairs[i][0]; break; }
  return [lower, upper];
}

describe('pooledShift (vs a brute-force weighted median of pairwise differences)', () => {
  it('one round: the Hodges-Lehmann median of c - b', () => {
    // Differences 8, 9, 9, 10, 10, 10, 11, 11, 12: median 10.
    expect(pooledShift([round([1, 2, 3], [11, 12, 13])], 'ns')).toBeCloseTo(10, 0);
    expect(pooledShift([round([100, 200, 400], [110, 220, 440])], 'log')).toBeCloseTo(Math.log(1.1), 4);
  });

  it('random small rounds, both scales, ties included', () => {
    const rng = new Prng(20261130);
    const int = (lo: number, hi: number) => lo + Math.floor(rng.nextFloat() * (hi - lo + 1));
    for (let trial = 0; trial < 1000; trial++) {
      const rounds: PreparedRound[] = [];
      const effect = 1 + (int(-20, 40) / 100);
      const nRounds = int(1, 4);
      for (let r = 0; r < nRounds; r++) {
        // Integers in 1000..1100 (many ties on the ns scale) or spread 1000..3000.
        const spread = trial % 2 === 0 ? 100 : 2000;
        const b = Array.from({ length: int(2, 9) }, () => 1000 + int(0, spread));
        const c = Array.from({ length: int(2, 9) }, () => Math.round((1000 + int(0, spread)) * effect));
        rounds.push(round(b, c, r));
      }
      for (const scale of ['ns', 'log'] as const) {
        const [lo, hi] = weightedMedianOfDifferences(rounds, scale);
        // The estimator's resolution: 1e-5 on the log scale, max(0.5 ns, 1e-5 of the median) in ns.
        const tol = scale === 'log' ? 1.1e-5 : 0.6;
        const est = pooledShift(rounds, scale);
        expect(est, `trial ${trial} ${scale}: [${lo}, ${hi}]`).toBeGreaterThanOrEqual(lo - tol);
        expect(est, `trial ${trial} ${scale}: [${lo}, ${hi}]`).toBeLessThanOrEqual(hi + tol);
      }
    }
  });

  it('weights rounds by 1 / (N + 1): a large round outweighs a small one, not in proportion to its pairs', () => {
    // Round A: 2 x 2, every difference 100 (weight 1/5 each, total 4/5).
    // Round B: 6 x 6, every difference 0 (weight 1/13 each, total 36/13 > 4/5): the median is 0.
    const a = round([1000, 1000], [1100, 1100], 0);
    const b = round([1000, 1000, 1000, 1000, 1000, 1000], [1000, 1000, 1000, 1000, 1000, 1000], 1);
    expect(pooledShift([a, b], 'ns')).toBeCloseTo(0, 0);
  });

  it('no rounds: NaN', () => {
    expect(pooledShift([], 'log')).toBeNaN();
  });
});
