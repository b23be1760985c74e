// A hook that breaks requests is a regression too: one-sided two-proportion z-test (pooled
// variance; e.g. Agresti, Categorical Data Analysis, 3rd ed., sec. 3.1) of the candidate's error
// rate against the baseline's.
import { normalSf } from '../stats';

export function errorRateExcess(
  errors: { baseline: number; candidate: number },
  ok: { baseline: number; candidate: number },
  alpha: number,
): string | null {
  const nb = errors.baseline + ok.baseline;
  const nc = errors.candidate + ok.candidate;
  if (errors.candidate === 0 || nb === 0 || nc === 0) return null;
  const pb = errors.baseline / nb;
  const pc = errors.candidate / nc;
  const pooled = (errors.baseline + errors.candidate) / (nb + nc);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nb + 1 / nc));
  const p = se > 0 ? normalSf((pc - pb) / se) : pc > pb ? 0 : 1;
  if (p > alpha) return null;
  return `the candidate fails more requests: ${errors.candidate} errors (${pct(pc)}) vs ${errors.baseline} (${pct(pb)}), p = ${p.toExponential(2)}`;
}

function pct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}
