// Which kind of pass a verdict is. "no-regression" is reached two ways that prove different things:
// the interval lies wholly below the budget (shown within it: a non-inferiority claim), or the plan
// or a cap was reached without the test crossing (not shown to exceed it: a failure to reject).
import type { Threshold, Verdict, VerdictKind } from '../types';

/** Confidence level of an interval that inverts two one-sided tests, each at `boundaryP` (a repeated CI at the look). */
export function intervalLevel(boundaryP: number): number {
  return Math.max(0, 1 - 2 * boundaryP);
}

/**
 * The estimate's distance above the interval's lower bound on each scale. The test inversion is
 * shift-equivariant (the scores of data shifted by d at x are those of the data at x - d), so a true
 * shift larger than budget + this would have put the lower bound above the budget: the smallest
 * slowdown beyond the budget this run would have called a regression.
 */
export function resolutionOf(shift: Verdict['shift']): { relative: number; ns: number } {
  return { relative: (1 + shift.relative) / (1 + shift.ci[0]) - 1, ns: shift.ns - shift.ciNs[0] };
}

export type Outcome = 'regression' | 'within-budget' | 'no-regression' | 'inconclusive';

/** The interval on the budget's scale (relative or ns) lies wholly below the budget. */
export function intervalWithinBudget(shift: Verdict['shift'], threshold: Threshold): boolean {
  const [, high] = 'relative' in threshold ? shift.ci : shift.ciNs;
  return high < ('relative' in threshold ? threshold.relative : threshold.ns);
}

type Judged = Pick<Verdict, 'verdict' | 'shift' | 'threshold' | 'withinBudget'>;

/** `withinBudget`; a verdict.json of an earlier version (without it) is judged by its interval. */
export function withinBudgetOf(v: Judged): boolean {
  return v.withinBudget ?? intervalWithinBudget(v.shift, v.threshold);
}

/** The verdict with its kind of pass. */
export function outcomeOf(v: Judged): Outcome {
  return passOutcome(v.verdict, withinBudgetOf(v));
}

export function passOutcome(verdict: VerdictKind, withinBudget: boolean): Outcome {
  if (verdict !== 'no-regression') return verdict;
  return withinBudget ? 'within-budget' : 'no-regression';
}
