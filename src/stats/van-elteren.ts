/**
 * Per-round score of the stratified Wilcoxon test, P. H. van Elteren, "On the combination of
 * independent two-sample tests of Wilcoxon", Bull. Int. Statist. Inst. 37 (1960) 351-361:
 * D_r = w_r (S_r - E[S_r]) with S_r the candidate rank sum in round r and w_r = 1 / (N_r + 1).
 * Since S_r - E[S_r] = U_c - m n / 2 (U_c the Mann-Whitney count of the candidate), the score
 * is computed from pair counts without ranking.
 */
import { mannWhitneyUSorted } from './pair-count';

/**
 * (U_c - m n / 2) / (m + n + 1) with U_c = #{candidate_j - shift > baseline_i} + ties / 2.
 * Inputs sorted ascending. Throws when either arm is empty.
 */
export function roundScore(sortedBaseline: Float64Array, sortedCandidate: Float64Array, shift = 0): number {
  const m = sortedBaseline.length;
  const n = sortedCandidate.length;
  if (m === 0 || n === 0) throw new Error('roundScore: both arms must be non-empty');
  const u = mannWhitneyUSorted(sortedBaseline, sortedCandidate, shift);
  return (u - (m * n) / 2) / (m + n + 1);
}

/** roundScore on unsorted inputs (sorts copies; inputs are not modified). */
export function roundScoreUnsorted(baseline: ArrayLike<number>, candidate: ArrayLike<number>, shift = 0): number {
  return roundScore(Float64Array.from(baseline).sort(), Float64Array.from(candidate).sort(), shift);
}
