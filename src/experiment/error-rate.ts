// A hook that breaks requests is a regression too. Exact conditional test (e.g. Agresti,
// Categorical Data Analysis, 3rd ed., sec. 3.5; the conditional test of two Poisson/binomial rates):
// given k = e_b + e_c errors among n_b + n_c requests, under equal error rates e_c ~ Bin(k, n_c / (n_b + n_c)),
// so the one-sided p is P(Bin(k, pi) >= e_c), valid for the smallest counts. It has its own share of
// alpha, spent over the looks (errorLevel in controller.ts), so the gate's total stays at alpha.
import { binomialUpperTail } from '../stats';

export interface ErrorCounts {
  baseline: number;
  candidate: number;
}

/** One-sided p of "the candidate fails more often than the baseline", from errors among requests per arm. */
export function errorRateP(errors: ErrorCounts, requests: ErrorCounts): number {
  const k = errors.baseline + errors.candidate;
  const total = requests.baseline + requests.candidate;
  if (k === 0 || total === 0) return 1;
  return binomialUpperTail(errors.candidate, k, requests.candidate / total);
}

/** The verdict's reason when the error test rejects at `level`, else null. */
export function errorRateExcess(errors: ErrorCounts, requests: ErrorCounts, level: number): string | null {
  const p = errorRateP(errors, requests);
  if (p > level) return null;
  const rate = (arm: keyof ErrorCounts) => pct(errors[arm] / requests[arm]);
  return (
    `the candidate fails more requests: ${errors.candidate} errors (${rate('candidate')}) vs ${errors.baseline} ` +
    `(${rate('baseline')}), exact conditional p = ${p.toExponential(2)} <= ${level.toExponential(2)}`
  );
}

function pct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}
