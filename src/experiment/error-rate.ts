// A hook that breaks requests is a regression too. The randomized unit is the round (its coin puts
// the arms in the slots), and a failing instance fails many requests in a row, so requests are not
// independent trials: the test works on each round's candidate - baseline count of failed requests,
// by the exact sign-flip reference (under equal error behaviour each round's difference is as likely
// negative as positive, whatever the bursts; rounds with equal counts contribute nothing). It has its
// own share of alpha, spent over the looks (errorLevel in controller.ts), so the gate's total stays
// at alpha.
import { integerSignFlipPValue } from '../stats';

export interface ErrorCounts {
  baseline: number;
  candidate: number;
}

/** One-sided p of "the candidate fails more requests than the baseline", from each round's failed requests per arm. */
export function errorRateP(perRound: ErrorCounts[]): number {
  return integerSignFlipPValue(perRound.map((e) => e.candidate - e.baseline));
}

/** The verdict's reason when the error test rejects at `level`, else null. */
export function errorRateExcess(perRound: ErrorCounts[], requests: ErrorCounts, level: number): string | null {
  const p = errorRateP(perRound);
  if (p > level) return null;
  const errors = {
    baseline: perRound.reduce((s, e) => s + e.baseline, 0),
    candidate: perRound.reduce((s, e) => s + e.candidate, 0),
  };
  const { more, fewer } = roundsBySign(perRound);
  const rate = (arm: keyof ErrorCounts) => pct(errors[arm] / requests[arm]);
  return (
    `the candidate fails more requests: ${errors.candidate} errors (${rate('candidate')}) vs ${errors.baseline} ` +
    `(${rate('baseline')}), more in ${more} rounds and fewer in ${fewer}; exact sign-flip p over rounds = ` +
    `${p.toExponential(2)} <= ${level.toExponential(2)}`
  );
}

/** Rounds in which the candidate failed more requests than the baseline, and fewer (the test's signs). */
export function roundsBySign(perRound: ErrorCounts[]): { more: number; fewer: number } {
  return {
    more: perRound.filter((e) => e.candidate > e.baseline).length,
    fewer: perRound.filter((e) => e.candidate < e.baseline).length,
  };
}

function pct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}
