import type { FailOn } from '../config';
import { EXIT } from '../errors';
import { outcomeOf } from '../experiment/outcome';
import type { Verdict } from '../types';

/** `strict` fails every run that did not show the candidate within the budget. */
export function exitCodeFor(v: Verdict, failOn: FailOn): number {
  if (v.verdict === 'regression') return EXIT.regression;
  if (v.verdict === 'inconclusive' && failOn !== 'regression') return EXIT.regression;
  if (failOn === 'strict' && outcomeOf(v) !== 'within-budget') return EXIT.regression;
  return EXIT.ok;
}
